/// New names for the people in a store, applied by `Store.replaceIdentities(_:)` right after loading,
/// so that every output made from the store (labels, JSON, CSV, GEXF, GraphML, reports) carries them
/// without each writer knowing. Row order and ids do not change: graphs and analyses stay the same.
package struct IdentityReplacement: Sendable {
    /// Per account row: the account's new label (it becomes the username), or nil to keep the account.
    /// A replaced account loses its nickname, earlier usernames, sec_uid, numeric id and donor key.
    package var accountLabels: [String?]
    /// Per input row: the input's new name, or nil to keep it.
    package var inputNames: [String?]
    /// The inputs' new fingerprints, 32 bytes per input row, or nil to keep them. An anonymous donor's
    /// key is their export's SHA-256, so the fingerprints would link a pseudonymised output to the file.
    package var inputFingerprints: [UInt8]?
    /// Per hashtag row: the hashtag's new name, or nil for all to keep them.
    package var hashtagNames: [String]?
    /// Per sound row: the sound's new title, or nil for all to keep them. A sound's TikTok id stays.
    package var soundTitles: [String]?
    /// Drop video captions (they can hold @names and other text written by people).
    package var dropCaptions = false
    /// The new text of search terms and collection names (the objects of `searched` events and of
    /// collections), by their old text; nil to keep them. A term missing from the map is emptied.
    package var searchTerms: [String: String]?

    package init(accountLabels: [String?], inputNames: [String?]) {
        self.accountLabels = accountLabels
        self.inputNames = inputNames
    }
}

extension Store {
    /// Replaces the identities named in `replacement` (see `IdentityReplacement`). Strings no longer
    /// referenced by any column are emptied, so that the old names are not left in memory for a
    /// writer that reads the string table as a whole. The string table is then no longer in sorted
    /// order: a store changed this way is for output only and must not be saved.
    package mutating func replaceIdentities(_ replacement: IdentityReplacement) {
        var added: [String] = []
        var addedRow: [String: RowID] = [:]
        let base = strings.count
        func intern(_ text: String) -> RowID {
            if let row = addedRow[text] { return row }
            let row = RowID(truncatingIfNeeded: base + added.count)
            added.append(text)
            addedRow[text] = row
            return row
        }

        // Accounts.
        var replaced = [Bool](repeating: false, count: accounts.count)
        for (row, label) in replacement.accountLabels.enumerated() where row < accounts.count {
            guard let label else { continue }
            replaced[row] = true
            accounts.username[row] = intern(label)
            accounts.nickname[row] = .none
            accounts.secUID[row] = .none
            accounts.donorKey[row] = .none
            accounts.numericID[row] = 0
        }
        if replaced.contains(true) {
            var offsets: [UInt32] = [0]
            var aliases: [RowID] = []
            var seen: [UInt32] = []
            offsets.reserveCapacity(accounts.count + 1)
            for row in 0..<accounts.count {
                if !replaced[row] {
                    let range = Int(accounts.aliasOffsets[row])..<Int(accounts.aliasOffsets[row + 1])
                    aliases += accounts.aliases[range]
                    seen += accounts.aliasSeen[range]
                }
                offsets.append(UInt32(truncatingIfNeeded: aliases.count))
            }
            accounts.aliasOffsets = offsets
            accounts.aliases = aliases
            accounts.aliasSeen = seen
        }

        // Inputs, hashtags, sounds, captions.
        for (row, name) in replacement.inputNames.enumerated() where row < inputs.count {
            if let name { inputs.name[row] = intern(name) }
        }
        if let fingerprints = replacement.inputFingerprints, fingerprints.count == inputs.sha256.count {
            inputs.sha256 = fingerprints
        }
        if let names = replacement.hashtagNames {
            for (row, name) in names.enumerated() where row < hashtags.count { hashtags.name[row] = intern(name) }
        }
        if let titles = replacement.soundTitles {
            for (row, title) in titles.enumerated() where row < sounds.count { sounds.title[row] = intern(title) }
        }
        if replacement.dropCaptions {
            videos.caption = [RowID](repeating: .none, count: videos.count)
        }

        // Search terms and collection names: event objects that are strings.
        if let terms = replacement.searchTerms {
            var renamed: [RowID: RowID] = [:]
            for i in 0..<events.count {
                let type = events.objectType[i]
                guard type == ObjectType.searchTerm.rawValue || type == ObjectType.collection.rawValue else { continue }
                let old = events.object[i]
                if let new = renamed[old] {
                    events.object[i] = new
                } else if let text = strings[old] {
                    let new = intern(terms[text] ?? "")
                    renamed[old] = new
                    events.object[i] = new
                }
            }
        }

        // The string table: every old string still referenced keeps its row and text; the others
        // are emptied; the new strings follow.
        var referenced = [Bool](repeating: false, count: base)
        func mark(_ rows: [RowID]) {
            for row in rows where Int(row) < base { referenced[Int(row)] = true }
        }
        mark(accounts.username)
        mark(accounts.secUID)
        mark(accounts.nickname)
        mark(accounts.donorKey)
        mark(accounts.aliases)
        mark(videos.caption)
        mark(hashtags.name)
        mark(sounds.title)
        mark(inputs.name)
        mark(inputs.layout)
        for i in 0..<events.count {
            let type = events.objectType[i]
            if type == ObjectType.searchTerm.rawValue || type == ObjectType.collection.rawValue {
                mark([events.object[i]])
            }
        }
        // Share methods: the details of `shared` events are string rows + 1.
        for (position, index) in events.detailIndex.enumerated()
        where Int(index) < events.count && events.kind[Int(index)] == EventKind.shared.rawValue {
            let value = events.detailValue[position]
            if value != 0 { mark([value - 1]) }
        }
        var bytes: [UInt8] = []
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(base + added.count + 1)
        for row in 0..<base {
            if referenced[row] {
                let range = Int(strings.offsets[row])..<Int(strings.offsets[row + 1])
                bytes += strings.bytes[range]
            }
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        for text in added {
            bytes += Array(text.utf8)
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        strings = StringTable(bytes: bytes, offsets: offsets)
    }
}
