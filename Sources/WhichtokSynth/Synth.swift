// TEMPORARY stub until the generator lands.
public struct SynthOptions: Sendable { public var donors = 40; public var events = 40_000; public var communities = 4; public var seed: UInt64 = 42; public init() {} }
public struct SynthReport: Sendable { public var files: [String] = []; public var donors = 0; public var events: [String: Int] = [:]; public var groundTruthPath = "" }
public enum Synth { public static func generate(_ options: SynthOptions, to directory: String) throws -> SynthReport { SynthReport() } }
