import Testing

@testable import WhichtokGraph

/// Edge-list weights at the edges of what a 32-bit float holds (issue 11, defect 4).
@Suite("Edge-list weights")
struct EdgeListWeightTests {
    func read(_ text: String, directed: Bool = false) throws(EdgeListError) -> EdgeList {
        try EdgeListReader.read(Array(text.utf8), directed: directed)
    }

    /// The error a single-edge list fails with, on line 2 after a good line.
    func failure(_ weight: String) -> EdgeListError? {
        do {
            _ = try EdgeListReader.parse(Array("a b 1\nb c \(weight)\n".utf8), directed: false)
            return nil
        } catch {
            return error
        }
    }

    @Test("weights beyond a float's range, above or below, are errors naming the line, not dropped")
    func outOfRange() throws {
        for weight in ["1e100", "1e39", "1e400", "340282366920938463463374607431768211456000"] {
            let error = try #require(failure(weight), "\(weight) was accepted")
            #expect(error.line == 2)
            #expect(error.message.contains("above 3.4e38"), "\(weight): \(error.message)")
        }
        for weight in ["1e-100", "1e-39", "1e-400", "0.000000000000000000000000000000000000000001"] {
            let error = try #require(failure(weight), "\(weight) was accepted")
            #expect(error.line == 2)
            #expect(error.message.contains("below 1.2e-38"), "\(weight): \(error.message)")
        }
    }

    @Test("NaN, infinity, negative and non-numeric weights and short lines are errors naming the line")
    func malformed() throws {
        for weight in ["nan", "NaN", "inf", "-inf", "infinity", "-1", "-0.5", "1e", "0x10", "1,5", "heavy"] {
            let error = try #require(failure(weight), "\(weight) was accepted")
            #expect(error == EdgeListError(line: 2, message: "weight '\(weight)' is not a finite number ≥ 0"))
        }
        #expect(throws: EdgeListError(line: 3, message: "expected 'source target [weight]', found one field")) {
            try read("a b\n# c d\nlonely\n")
        }
    }

    @Test("the largest and smallest float weights are kept; 1e19 is kept rounded")
    func extremes() throws {
        let list = try read("a b 3.4e38\nc d 1.2e-38\ne f 1e19\n")
        let graph = list.graph
        #expect(graph.weight(from: 0, to: 1) == Float(3.4e38))
        #expect(graph.weight(from: 2, to: 3) == Float(1.2e-38))
        #expect(graph.weight(from: 4, to: 5) == Float(1e19))
        #expect(graph.weights.allSatisfy { $0.isFinite && $0 > 0 })
        // 0 written with any exponent is still a zero weight, not a malformed number.
        #expect(try read("a b 0e400\nb c 1\n").zeroWeights == 1)
    }

    @Test("weights that sum beyond a float's range are an error on the line where they do")
    func totalOverflow() throws {
        #expect(throws: EdgeListError.self) { try read("a b 3e38\nc d 1\na b 3e38\n") }
        do {
            _ = try read("a b 3e38\nc d 1\na b 3e38\n")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("sum beyond 3.4e38"))
        }
        // Self-loops and zero weights are not in the graph and do not count.
        #expect(try read("a b 3e38\na a 3e38\nc d 0\n").graph.edgeCount == 1)
    }

    @Test("self-loops and zero weights are dropped and counted, with the first line of each")
    func droppedAreCounted() throws {
        let list = try read("# header\na a 5\nb c 0\nb c 2\nc c\nd e 0.0\ne f 1\n")
        #expect(list.selfLoops == 2)
        #expect(list.firstSelfLoopLine == 2)
        #expect(list.zeroWeights == 2)
        #expect(list.firstZeroWeightLine == 3)
        #expect(list.graph.edgeCount == 2)
        // Nodes named only by a dropped line still exist (numbered in order of appearance).
        #expect(list.graph.externalLabels == ["a", "b", "c", "d", "e", "f"])
        #expect(list.roundedIntegers == 0)
    }

    @Test("integer weights a float cannot hold exactly are counted as rounded; decimals are not")
    func roundedIntegers() throws {
        let list = try read("a b 16777216\nb c 16777217\nc d 0.1\nd e 1e19\ne f 2.5\n")
        #expect(list.graph.weight(from: 1, to: 2) == 16_777_216)
        #expect(list.roundedIntegers == 2)
        #expect(list.firstRoundedLine == 2)
    }

    @Test("parallel edges are summed in Double and rounded once")
    func parallelSum() throws {
        // In Float, 16777216 + 1 rounds back to 16777216 each time; in Double the sum is 16777218,
        // which a Float holds exactly.
        let graph = try read("a b 16777216\na b 1\nb a 1\n").graph
        #expect(graph.weight(from: 0, to: 1) == 16_777_218)
        #expect(graph.totalWeight == 16_777_218)
        let directed = try read("a b 16777216\na b 1\na b 1\n", directed: true).graph
        #expect(directed.weight(from: 0, to: 1) == 16_777_218)
    }
}
