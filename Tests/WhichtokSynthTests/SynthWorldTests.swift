import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokSynth

@Suite("Synth world")
struct SynthWorldTests {
    @Test("ids and names are unique and well-formed")
    func identities() throws {
        let world = SynthWorld(SynthOptions(donors: 40, events: 60_000, communities: 5))
        #expect(world.communities.count == 5)
        #expect(Set(world.videos.map(\.id)).count == world.videos.count)
        let earliest = CivilTime.unixTime(year: 2021, month: 1, day: 1)
        let latest = CivilTime.unixTime(year: 2027, month: 1, day: 1)
        for video in world.videos {
            #expect(String(video.id).count == 19)
            #expect(video.created >= earliest && video.created < latest)
            #expect(world.creators[video.creator].community == video.community)
            #expect(video.hashtags.allSatisfy { world.hashtags[$0].community == video.community })
        }
        #expect(Set(world.creators.map(\.username)).count == world.creators.count)
        #expect(
            world.creators.allSatisfy {
                $0.username == $0.username.lowercased() && $0.username.hasPrefix("c\($0.community)_")
            })
        #expect(Set(world.hashtags.map { $0.name.lowercased() }).count == world.hashtags.count)
        #expect(Set(world.hashtags.map(\.id)).count == world.hashtags.count)
        #expect(Set(world.sounds.map(\.title)).count == world.sounds.count)
        #expect(Set(world.donors.map { $0.username.lowercased() }).count == world.donors.count)
        for community in world.communities {
            #expect(!community.donors.isEmpty)
            #expect(community.donors.allSatisfy { world.donors[$0].community == community.index })
        }
        let caption = world.caption(ofVideo: 0)
        #expect(caption.contains("#" + world.hashtags[world.videos[0].hashtags[0]].name))
    }

    @Test("communities beyond the theme list get distinct names", arguments: [1, 17, 20])
    func manyCommunities(count: Int) throws {
        let world = SynthWorld(SynthOptions(donors: 4, events: 2000, communities: count))
        #expect(Set(world.communities.map(\.name)).count == count)
        #expect(Set(world.hashtags.map { $0.name.lowercased() }).count == world.hashtags.count)
    }

    @Test(
        "small and odd options still generate",
        arguments: [
            SynthOptions(donors: 1, events: 0, communities: 1, seed: 0),
            SynthOptions(donors: 3, events: 500, communities: 6, seed: 1),
            SynthOptions(donors: 9, events: 3000, communities: 1, seed: .max),
        ])
    func oddOptions(options: SynthOptions) throws {
        let folder = try TemporaryFolder("synth-odd")
        let directory = folder.path
        let report = try Synth.generate(options, to: directory)
        #expect(report.archives.count == options.donors)
        #expect(report.files.contains(report.groundTruthPath))
        let plan = SynthPlan(options)
        for archive in report.archives {
            for entry in plan.entries(forDonor: archive.donor) where entry.path.hasSuffix(".json") {
                _ = try StrictJSONParser.parse(entry.bytes)
            }
        }
    }

    @Test("planted exposure: steady feeds stay home, diverse ones spread, drifting ones move on the drift date")
    func plantedExposure() throws {
        let plan = SynthPlan(SynthOptions(donors: 40, events: 60_000, communities: 4, seed: 5))
        let world = plan.world
        #expect(world.donors.filter { $0.exposure == .diverse }.count == 5)
        #expect(world.donors.filter { $0.exposure == .drifting }.count == 5)
        for donor in world.donors {
            #expect(donor.exposure == .steady || donor.layout != .jsonPartial)
            let activity = DonorActivity(world: world, social: plan.social, donorIndex: donor.index)
            let watches = activity.watches
            /// The share of views at or after `start` and before `end` that come from `community`.
            func share(_ community: Int, from start: Int64 = .min, to end: Int64 = .max) -> Double {
                let window = watches.filter { $0.time >= start && $0.time < end }
                guard !window.isEmpty else { return 0 }
                let inside = window.filter { world.videos[Int($0.object)].community == community }
                return Double(inside.count) / Double(window.count)
            }
            switch donor.exposure {
            case .steady:
                #expect(donor.driftTime == nil && donor.driftCommunity == nil)
                if !watches.isEmpty { #expect(share(donor.community) > 0.75) }
            case .diverse:
                #expect(!watches.isEmpty)
                for community in world.communities.indices { #expect(share(community) < 0.45) }
            case .drifting:
                let time = try #require(donor.driftTime)
                let target = try #require(donor.driftCommunity)
                #expect(target != donor.community)
                #expect(time % 86_400 == 0 && time > donor.activeSince && time < donor.exportTime)
                #expect(share(donor.community, to: time) > 0.75)
                #expect(share(target, from: time) > 0.75)
            }
        }
    }
}
