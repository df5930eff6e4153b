import WhichtokSupport

/// The JSON layouts (G1–G4 and the partial/category export): section paths, key spellings and
/// empty encodings per generation, as in Docs/archive-format.md ('JSON generations', 'Section paths',
/// 'Records', 'Empty values and placeholders').
extension DonorRender {
    /// The archive's entries: one JSON file, at the root (zip) or under `TikTok_Data_<epoch>/` (tar.gz,
    /// as a user re-packing the extracted folder would have it).
    func jsonEntries() -> [(path: String, bytes: [UInt8])] {
        let fileName = donor.layout == .jsonG1 ? "user_data.json" : "user_data_tiktok.json"
        let path = donor.container == .tarGzip ? dataName + "/" + fileName : fileName
        let document: JSONNode
        switch donor.layout {
        case .jsonG1: document = documentG1()
        case .jsonG2: document = documentG2()
        case .jsonG3: document = documentG3()
        case .jsonG4: document = documentG4()
        default: document = documentPartial()
        }
        var writer = JSONWriter(capacity: 256 + donor.budget * 150)
        writer.write(document)
        return [(path, writer.finish())]
    }

    /// The JSON generation a record list or map is spelled for.
    enum Generation { case g1, g2, g3, g4 }

    /// The four favourites sections (effects, hashtags, sounds, videos), spelled alike in every
    /// generation; from G3 on, the favourite videos carry the `App` member (`app`). One function, so
    /// the five documents cannot drift apart in what they share.
    func favoriteSections(_ empty: JSONNode, app: (String, JSONNode)? = nil) -> [(String, JSONNode)] {
        let videos = (
            "FavoriteVideoList", videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
        )
        return [
            ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
            ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
            ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
            ("Favorite Videos", app.map { .sortedObject([$0, videos]) } ?? .object([videos])),
        ]
    }

    // MARK: - Generations

    private func documentG1() -> JSONNode {
        var random = self.random
        let empty: JSONNode = random.chance(0.5) ? .null : .emptyArray
        return .sortedObject([
            (
                "Activity",
                .sortedObject(
                    favoriteSections(empty) + [
                        ("Follower List", .object([("FansList", people(followers, empty))])),
                        ("Following List", .object([("Following", people(following, empty))])),
                        ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                        (
                            "Like List",
                            .object([
                                (
                                    "ItemFavoriteList",
                                    videoRecords(activity.likes, date: "Date", link: "VideoLink", empty: empty)
                                )
                            ])
                        ),
                        ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                        ("Search History", .object([("SearchList", searchList(empty))])),
                        ("Share History", .object([("ShareHistoryList", shareList(placeholders: false, empty))])),
                        ("Status", .object([("Status List", statusList(.g1))])),
                        (
                            "Video Browsing History",
                            .object([
                                (
                                    "VideoList",
                                    videoRecords(activity.watches, date: "Date", link: "VideoLink", empty: empty)
                                )
                            ])
                        ),
                    ])
            ),
            (
                "App Settings",
                .sortedObject([
                    ("Block", .object([("BlockList", people(blocked, empty))])),
                    ("Settings", .object([("SettingsMap", settingsMap(modern: false))])),
                ])
            ),
            ("Comment", .object([("Comments", .object([("CommentsList", commentList(.dateAndComment, empty))]))])),
            (
                "Direct Messages",
                .object([("Chat History", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            ("Profile", .object([("Profile Information", .object([("ProfileMap", profileMap(.g1))]))])),
            (
                "Tiktok Live",
                .sortedObject([
                    ("Go Live History", .object([("GoLiveMap", .null)])),
                    ("Watch Live History", .object([("WatchLiveMap", .null)])),
                ])
            ),
            ("Video", .object([("Videos", .object([("VideoList", postList(.g1, empty))]))])),
        ])
    }

    private func documentG2() -> JSONNode {
        var random = self.random
        let empty: JSONNode = random.chance(0.5) ? .null : .emptyArray
        return .sortedObject([
            (
                "Activity",
                .sortedObject(
                    favoriteSections(empty) + [
                        ("Follower List", .object([("FansList", people(followers, empty))])),
                        (
                            "Following List",
                            .sortedObject([("Following", people(following, empty)), ("IsFastLane", .bool(false))])
                        ),
                        ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                        (
                            "Like List",
                            .object([
                                (
                                    "ItemFavoriteList",
                                    videoRecords(activity.likes, date: "Date", link: "Link", empty: empty)
                                )
                            ])
                        ),
                        ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                        ("Purchase History", purchases),
                        ("Search History", .object([("SearchList", searchList(empty))])),
                        ("Share History", .object([("ShareHistoryList", shareList(placeholders: false, empty))])),
                        ("Status", .object([("Status List", statusList(.g2))])),
                        (
                            "Video Browsing History",
                            .object([
                                ("VideoList", videoRecords(activity.watches, date: "Date", link: "Link", empty: empty))
                            ])
                        ),
                    ])
            ),
            ("Ads and data", adsAndData(empty)),
            (
                "App Settings",
                .sortedObject([
                    ("Block", .object([("BlockList", people(blocked, empty))])),
                    ("Settings", .object([("SettingsMap", settingsMap(modern: false))])),
                ])
            ),
            ("Comment", .object([("Comments", .object([("CommentsList", commentList(.lowercase, empty))]))])),
            (
                "Direct Messages",
                .object([("Chat History", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            (
                "Income Plus Wallet Transactions",
                .object([("Income Plus Wallet Transaction", .object([("TransactionsList", .null)]))])
            ),
            ("Poi Review", .object([("POI Review", .object([("ReviewsList", .null)]))])),
            (
                "Profile",
                .sortedObject([
                    ("Auto Fill", autofill),
                    ("Profile Information", .object([("ProfileMap", profileMap(.g2))])),
                ])
            ),
            ("Tiktok Live", live(watchLiveEmpty: .null, extraComment: false)),
            (
                "Tiktok Shopping",
                .sortedObject([
                    ("Communication History", .object([("CommunicationHistories", .null)])),
                    ("Current Payment Information", .object([("PayCard", .null)])),
                    ("Customer Support History", .object([("CustomerSupportHistories", .null)])),
                    ("Order Dispute History", .object([("OrderDisputeHistories", .null)])),
                    ("Order History", .object([("OrderHistories", .null)])),
                    ("Product Browsing History", .object([("ProductBrowsingHistories", .null)])),
                    ("Product Review History", .object([("ProductReviewHistories", .null)])),
                    ("Return and Refund History", .object([("ReturnAndRefundHistories", .null)])),
                    ("Saved Address Information", .object([("SavedAddress", .null)])),
                    ("Shopping Cart List", .object([("ShoppingCart", .null)])),
                ])
            ),
            (
                "Video",
                .sortedObject([
                    ("RecentlyDeletedPosts", .object([("PostList", .null)])),
                    ("Videos", .object([("VideoList", postList(.g2, empty))])),
                ])
            ),
        ])
    }

    /// A category export (`{"Activity": …}` only): no profile, so the importer knows the owner only
    /// by the archive's hash.
    private func documentPartial() -> JSONNode {
        let empty = JSONNode.null
        return .object([
            (
                "Activity",
                .sortedObject(
                    favoriteSections(empty) + [
                        ("Comments", .object([("CommentsList", commentList(.capitalized, empty))])),
                        (
                            "Like List",
                            .object([
                                (
                                    "ItemFavoriteList",
                                    videoRecords(activity.likes, date: "Date", link: "Link", empty: empty)
                                )
                            ])
                        ),
                        ("Most Recent Location Data", locationData),
                        ("POI Review", .object([("ReviewsList", .null)])),
                    ])
            )
        ])
    }
}
