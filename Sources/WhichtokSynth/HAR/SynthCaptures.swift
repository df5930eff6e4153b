import Dispatch
import Synchronization
import WhichtokSupport

/// Browser HAR captures consistent with the synthetic archives (`SynthOptions.captures`): capture
/// `i` follows the watch history of the `i`-th donor with a profile (cycling), in Chrome's shape
/// for even `i` and Firefox's for odd `i`, written as a plain `.har`, a zip holding the `.har` (as
/// Firefox's "compress" option does) or a `.har.gz`, in turn.
///
/// Files: `web-capture-000-chrome.har`, `web-capture-001-firefox.zip`, `web-capture-002-chrome.har.gz`, …
enum SynthCaptures {
    static func write(plan: SynthPlan, to directory: String) throws(SynthError) -> [String] {
        let options = plan.world.options
        guard options.captures > 0 else { return [] }
        let world = plan.world
        let social = world.donors.filter(\.isSocial).map(\.index)
        guard !social.isEmpty else { return [] }

        // What the archives say, indexed for the sessions: donors' comments by video (with the
        // archive's text), donors following each creator, each donor's watch history.
        var commentsByVideo: [Int32: [DonorComment]] = [:]
        var followersOfCreator: [Int32: [Int]] = [:]
        var watchedBy: [Int: [Int]] = [:]
        let focal = Set((0..<options.captures).map { social[$0 % social.count] })
        for donor in social {
            let activity = DonorActivity(world: world, social: plan.social, donorIndex: donor)
            let render = DonorRender(world: world, social: plan.social, donorIndex: donor, activity: activity)
            let multiline = world.donors[donor].layout.isJSON
            for item in activity.comments {
                commentsByVideo[item.object, default: []].append(
                    DonorComment(
                        donor: donor, time: item.time, text: render.commentText(item, multiline: multiline),
                        extra: item.extra))
            }
            for item in activity.followedCreators { followersOfCreator[item.object, default: []].append(donor) }
            if focal.contains(donor) {
                var seen = Set<Int32>()
                watchedBy[donor] = activity.watches.reversed().filter { seen.insert($0.object).inserted }.map {
                    Int($0.object)
                }
            }
        }

        let shapes = WebShapes(world: world)
        let (comments, followers, watched) = (commentsByVideo, followersOfCreator, watchedBy)
        let results = Mutex<[Result<[String], SynthError>?]>(Array(repeating: nil, count: options.captures))
        DispatchQueue.concurrentPerform(iterations: options.captures) { index in
            let donor = social[index % social.count]
            let render = CaptureRender(
                world: world, shapes: shapes, index: index, browser: index % 2 == 0 ? .chrome : .firefox,
                feedSize: options.captureVideos > 0 ? options.captureVideos : 40, donor: donor,
                commentsByVideo: comments, followersOfCreator: followers, watched: watched[donor] ?? [])
            let result: Result<[String], SynthError>
            do throws(SynthError) {
                result = .success(try write(render, index: index, to: directory))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
        }
        var files: [String] = []
        for slot in results.withLock({ $0 }) {
            guard let slot else { throw SynthError(path: directory, message: "a capture was not generated") }
            files += try slot.get()
        }
        return files
    }

    private static func write(_ render: CaptureRender, index: Int, to directory: String) throws(SynthError) -> [String]
    {
        let har = render.render()
        let stem = render.fileStem
        switch index % 3 {
        case 0:
            let name = stem + ".har"
            try OutputFiles.write(har, to: OutputFiles.join(directory, name))
            return [name]
        case 1:
            // Firefox's compressed export: a zip holding the HAR.
            let name = stem + ".zip"
            let inner = "www.tiktok.com_Archive [\(render.startTime)].har"
            do {
                try OutputFiles.write(
                    try ArchiveWriter.data([(inner, har)], format: .zip), to: OutputFiles.join(directory, name))
            } catch let error as SynthError {
                throw error
            } catch {
                throw SynthError(path: OutputFiles.join(directory, name), message: "\(error)")
            }
            return [name]
        default:
            let name = stem + ".har.gz"
            do {
                try OutputFiles.write(
                    try ArchiveWriter.data([(stem + ".har", har)], format: .gzip), to: OutputFiles.join(directory, name)
                )
            } catch let error as SynthError {
                throw error
            } catch {
                throw SynthError(path: OutputFiles.join(directory, name), message: "\(error)")
            }
            return [name]
        }
    }
}
