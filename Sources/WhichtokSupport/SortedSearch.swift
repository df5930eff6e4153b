extension RandomAccessCollection where Element: Comparable, Index == Int {
    /// The first index whose element is not below `target`, in a collection sorted ascending
    /// (`endIndex` when every element is below it): the lower bound of a binary search.
    package func firstIndex(notBelow target: Element) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if self[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
