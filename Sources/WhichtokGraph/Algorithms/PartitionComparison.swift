/// Comparing two partitions of the same nodes.
package enum PartitionComparison {
    /// Normalised mutual information `NMI(A, B) = 2·I(A; B) / (H(A) + H(B))` (Danon et al. 2005; the
    /// arithmetic normalisation used by scikit-learn's default). 1 for identical partitions up to
    /// renaming; 1 when both are a single community; 0 when the partitions cover different numbers of
    /// nodes. O(n).
    package static func normalizedMutualInformation(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == b.count else { return 0 }
        let n = Double(a.count)
        guard a.count > 0 else { return 1 }
        var joint: [UInt64: Int] = [:]
        var countA: [UInt32: Int] = [:]
        var countB: [UInt32: Int] = [:]
        for i in 0..<a.count {
            joint[UInt64(a[i]) << 32 | UInt64(b[i]), default: 0] += 1
            countA[a[i], default: 0] += 1
            countB[b[i], default: 0] += 1
        }
        func entropy(_ counts: [UInt32: Int]) -> Double {
            counts.values.reduce(0) { h, c in
                let p = Double(c) / n
                return h - p * log(p)
            }
        }
        var mutual = 0.0
        for (key, c) in joint {
            let pa = Double(countA[UInt32(key >> 32)] ?? 0) / n
            let pb = Double(countB[UInt32(truncatingIfNeeded: key)] ?? 0) / n
            let p = Double(c) / n
            mutual += p * log(p / (pa * pb))
        }
        let ha = entropy(countA)
        let hb = entropy(countB)
        guard ha + hb > 0 else { return 1 }
        return max(0, min(1, 2 * mutual / (ha + hb)))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
