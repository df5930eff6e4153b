import Dispatch
import Synchronization
import WhichtokSupport

/// What to generate. The defaults make a small sample (well under 1 MB of archives).
package struct SynthOptions: Sendable, Hashable {
    /// Number of donors, one archive each (`--donors`).
    package var donors: Int = 40
    /// Events across all donors, approximately (`--events`); `SynthReport.events` has the exact plan.
    package var events: Int = 40_000
    /// Number of planted communities (`--communities`).
    package var communities: Int = 4
    /// Seed of every random draw (`--seed`): the same options give byte-identical output.
    package var seed: UInt64 = 42
    /// Browser HAR captures written beside the archives (`--captures`), see `SynthCaptures`.
    package var captures: Int = 0
    /// Items in each capture's feed (`--capture-videos`); 0 for the default of 40.
    package var captureVideos: Int = 0

    package init(
        donors: Int = 40, events: Int = 40_000, communities: Int = 4, seed: UInt64 = 42, captures: Int = 0,
        captureVideos: Int = 0
    ) {
        self.donors = donors
        self.events = events
        self.communities = communities
        self.seed = seed
        self.captures = captures
        self.captureVideos = captureVideos
    }

    /// Share of interactions that go to another community than the donor's own.
    static let noise = 0.15
}

/// What `Synth.generate` wrote.
package struct SynthReport: Sendable {
    /// Paths written, relative to the output directory, sorted (byte-wise).
    package var files: [String]
    package var donors: Int
    /// Planned events per kind name (`watched`, `liked`, `favorited`, `shared`, `commented`,
    /// `followed`, `messaged`, `searched`, `posted`), each counted once: a message or a follow between
    /// two donors appears in both archives but is one event. Placeholder records (1969 shares) are
    /// not events and not counted.
    package var events: [String: Int]
    /// `ground-truth.tsv`, relative to the output directory.
    package var groundTruthPath: String
    /// One entry per donor, in donor order.
    package var archives: [SynthArchive]
    /// The HAR captures written (`web-capture-…`), relative to the output directory.
    package var captures: [String] = []

    package var totalEvents: Int { events.values.reduce(0, +) }
}

/// One donor's archive as written.
package struct SynthArchive: Sendable {
    package var donor: Int
    /// The owner as the importer will name it: the lowercased username, or `donor-<8 hex>` (the
    /// first 8 hex digits of the archive's SHA-256) for a partial export without a profile.
    package var account: String
    package var community: Int
    /// What the donor's watch history was planted to show.
    package var exposure: SynthExposure
    /// For a drifting donor: the UTC midnight from which the watch history comes from
    /// `driftCommunity`; nil for the others.
    package var driftTime: Int64?
    package var driftCommunity: Int?
    package var layout: SynthLayout
    package var container: SynthContainer
    /// The archive file, or the directory holding the export, relative to the output directory.
    package var path: String
    /// SHA-256 (hex) of the input as the importer digests it: the archive file's bytes; for a folder,
    /// its files framed as `discoverInputs`/`InputReader` do.
    package var sha256: String
}

/// The synthetic archive generator: a world with planted communities, and one TikTok export per
/// donor in a rotating layout and container.
///
/// Output (in the given directory):
/// - `donor-007-TikTok_Data_<epoch>.zip` / `.tar.gz`, or a folder `donor-007/TikTok_Data_<epoch>/…`
///   for some TXT donors; the donor index in the name keeps the mapping stable across seeds;
/// - `ground-truth.tsv`: `account\tcommunity\trole\texposure\tdrift_community\tdrift_date`, one row
///   per donor and creator, sorted; `exposure` is `steady`, `diverse` or `drifting` for donors (empty
///   for creators), and a drifting donor's watch history comes from `drift_community` from
///   `drift_date` (`YYYY-MM-DD`, midnight UTC) on.
///
/// Existing files are overwritten; files of an earlier run with other options are not removed.
///
/// Cost is linear in `events`: donors are planned and written in parallel, each from its own
/// random stream, straight into byte buffers.
package enum Synth {
    /// Generates archives and `ground-truth.tsv` into `directory` (created if missing). Donors are
    /// rendered in parallel; the output depends only on `options`.
    ///
    /// - Throws: `SynthError` when a file cannot be written.
    package static func generate(_ options: SynthOptions, to directory: String) throws -> SynthReport {
        let plan = SynthPlan(options)
        try OutputFiles.makeDirectory(directory)
        let donorCount = plan.world.donors.count
        let results = Mutex<[Result<DonorOutput, SynthError>?]>(Array(repeating: nil, count: donorCount))
        DispatchQueue.concurrentPerform(iterations: donorCount) { donorIndex in
            let result: Result<DonorOutput, SynthError>
            do {
                result = .success(try plan.writeDonor(donorIndex, to: directory))
            } catch let error as SynthError {
                result = .failure(error)
            } catch {
                result = .failure(SynthError(path: directory, message: "\(error)"))
            }
            results.withLock { $0[donorIndex] = result }
        }
        var outputs: [DonorOutput] = []
        var tally = EventTally()
        tally.messaged = plan.social.messageCount
        tally.followed = plan.social.follows.count
        for slot in results.withLock({ $0 }) {
            guard let slot else { throw SynthError(path: directory, message: "a donor was not generated") }
            let output = try slot.get()
            tally = tally + output.tally
            outputs.append(output)
        }

        let groundTruthPath = "ground-truth.tsv"
        var rows: [(account: String, community: Int, role: String, archive: SynthArchive?)] = outputs.map {
            ($0.archive.account, $0.archive.community, "donor", $0.archive)
        }
        for creator in plan.world.creators {
            rows.append((creator.username.lowercased(), creator.community, "creator", nil))
        }
        rows.sort { utf8Less($0.account, $1.account) }
        var table: [UInt8] = []
        table.append("account\tcommunity\trole\texposure\tdrift_community\tdrift_date\n")
        for row in rows {
            table.append(row.account)
            table.append(UInt8(ascii: "\t"))
            table.appendDecimal(row.community)
            table.append(UInt8(ascii: "\t"))
            table.append(row.role)
            table.append(UInt8(ascii: "\t"))
            if let archive = row.archive {
                table.append(archive.exposure.rawValue)
            }
            table.append(UInt8(ascii: "\t"))
            if let archive = row.archive, let community = archive.driftCommunity, let time = archive.driftTime {
                table.appendDecimal(community)
                table.append(UInt8(ascii: "\t"))
                table.appendDay(time)
            } else {
                table.append(UInt8(ascii: "\t"))
            }
            table.append(UInt8(ascii: "\n"))
        }
        try OutputFiles.write(table, to: OutputFiles.join(directory, groundTruthPath))
        let captures = try SynthCaptures.write(plan: plan, to: directory)

        var files = outputs.flatMap(\.files)
        files.append(groundTruthPath)
        files += captures
        files.sort(by: utf8Less)
        return SynthReport(
            files: files, donors: donorCount, events: tally.byName,
            groundTruthPath: groundTruthPath, archives: outputs.map(\.archive), captures: captures)
    }
}

/// The planned world and social graph, from which each donor's archive is rendered on demand.
/// Tests and other generators use it to look at archive contents without writing files.
package struct SynthPlan: Sendable {
    package let world: SynthWorld
    let social: SocialPlan

    package init(_ options: SynthOptions) {
        world = SynthWorld(options)
        social = SocialPlan(world: world)
    }

    /// The donor's archive content (before packaging): paths relative to the archive root.
    package func entries(forDonor index: Int) -> [(path: String, bytes: [UInt8])] {
        render(index).entries
    }

    /// Planned events per kind for the whole plan (see `SynthReport.events`).
    package var plannedEvents: [String: Int] {
        var tally = EventTally()
        tally.messaged = social.messageCount
        tally.followed = social.follows.count
        for index in world.donors.indices {
            DonorActivity(world: world, social: social, donorIndex: index).tally(into: &tally)
        }
        return tally.byName
    }

    func render(_ index: Int) -> (entries: [(path: String, bytes: [UInt8])], tally: EventTally) {
        let activity = DonorActivity(world: world, social: social, donorIndex: index)
        var tally = EventTally()
        activity.tally(into: &tally)
        let render = DonorRender(world: world, social: social, donorIndex: index, activity: activity)
        let entries = world.donors[index].layout.isJSON ? render.jsonEntries() : render.textEntries()
        return (entries, tally)
    }

    func writeDonor(_ index: Int, to directory: String) throws(SynthError) -> DonorOutput {
        let donor = world.donors[index]
        let (entries, tally) = render(index)
        let width = max(3, String(world.donors.count - 1).count)
        let number = String(index)
        let stem = "donor-" + String(repeating: "0", count: width - number.count) + number
        let written = try OutputFiles.writeArchive(
            entries, container: donor.container, stem: stem, dataName: "TikTok_Data_\(donor.exportTime)",
            directory: directory)
        let account: String
        if donor.layout.hasProfile {
            account = donor.username.lowercased()
        } else {
            account = "donor-" + String(written.sha256Hex.prefix(8))
        }
        let archive = SynthArchive(
            donor: index, account: account, community: donor.community, exposure: donor.exposure,
            driftTime: donor.driftTime, driftCommunity: donor.driftCommunity, layout: donor.layout,
            container: written.container, path: written.path, sha256: written.sha256Hex)
        return DonorOutput(archive: archive, files: written.files, tally: tally)
    }
}

struct DonorOutput: Sendable {
    var archive: SynthArchive
    var files: [String]
    var tally: EventTally
}

/// A file or folder the generator could not write.
package struct SynthError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "whichtok: error: \(path): \(message)" }
}
