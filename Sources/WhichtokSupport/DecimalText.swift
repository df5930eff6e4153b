/// Numbers as fixed-point text for reports (JSON uses shortest round-trip numbers instead).
package enum DecimalText {
    /// `value` with `digits` decimals, rounded half away from zero; `-` for a value that is not
    /// finite. A value too large for that (an edge list's total weight can reach 3.4e38) is written in
    /// exponent form rather than converted to an integer that cannot hold it.
    package static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        // Below 2^53 every integer is exact in a Double and fits an Int.
        guard rounded < 9_007_199_254_740_992 else { return "\(value)" }
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        var fractionText = String(fraction)
        while fractionText.count < digits { fractionText = "0" + fractionText }
        return (value < 0 && rounded != 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fractionText : "")
    }

    /// A count with thousands separators: `12,345`.
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }
}
