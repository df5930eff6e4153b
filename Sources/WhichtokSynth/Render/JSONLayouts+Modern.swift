import WhichtokSupport

/// The G3 and G4 documents: sections regrouped under `Your Activity`, `Post` and (G4)
/// `Profile And Settings`, with the `App` member beside the lists.
extension DonorRender {
    func documentG3() -> JSONNode {
        let empty = JSONNode.null
        let app = ("App", JSONNode.int(1))
        return .sortedObject([
            ("Ads and data", adsAndData(empty)),
            (
                "App Settings",
                .sortedObject([
                    ("Block List", .sortedObject([app, ("BlockList", people(blocked, empty))])),
                    ("Settings", .sortedObject([app, ("SettingsMap", settingsMap(modern: true))])),
                    ("UserThirdPlatformInformation", .emptyObject),
                ])
            ),
            (
                "Comment",
                .object([("Comments", .sortedObject([app, ("CommentsList", commentList(.lowercase, empty))]))])
            ),
            (
                "Direct Message",
                .object([("Direct Messages", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            (
                "Income Plus Wallet Transactions",
                .object([("Transaction History", .object([("TransactionsList", .null)]))])
            ),
            ("Location Review", .object([("Location Reviews", .object([("ReviewsList", .null)]))])),
            (
                "Post",
                .sortedObject([
                    ("Posts", .object([("VideoList", postList(.g3, empty))])),
                    ("Recently Deleted Posts", .object([("PostList", .null)])),
                ])
            ),
            (
                "Profile",
                .sortedObject([
                    ("AI-Moji", .object([("AIMojiList", .null)])),
                    ("Autofill", autofill),
                    ("Profile Info", .sortedObject([app, ("ProfileMap", profileMap(.g3))])),
                ])
            ),
            ("TikTok Shop", shop(empty)),
            ("Tiktok Live", live(watchLiveEmpty: .emptyObject, extraComment: true)),
            (
                "Your Activity",
                .sortedObject(
                    favoriteSections(empty, app: app) + [
                        ("Activity Summary", activitySummary),
                        (
                            "Follower",
                            .sortedObject([app, ("FansList", people(followers, empty)), ("IsFastLane", .bool(false))])
                        ),
                        (
                            "Following",
                            .sortedObject([app, ("Following", people(following, empty)), ("IsFastLane", .bool(false))])
                        ),
                        ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                        (
                            "Like List",
                            .sortedObject([
                                app,
                                (
                                    "ItemFavoriteList",
                                    videoRecords(activity.likes, date: "date", link: "link", empty: empty)
                                ),
                            ])
                        ),
                        ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                        ("Most Recent Location Data", locationData),
                        ("Purchases", purchases),
                        ("Searches", .object([("SearchList", searchList(empty))])),
                        ("Share History", .object([("ShareHistoryList", shareList(placeholders: true, empty))])),
                        ("Status", .object([("Status List", statusList(.g2))])),
                        (
                            "Watch History",
                            .object([
                                ("VideoList", videoRecords(activity.watches, date: "Date", link: "Link", empty: empty))
                            ])
                        ),
                    ])
            ),
        ])
    }

    func documentG4() -> JSONNode {
        let empty = JSONNode.emptyArray
        let app = ("App", JSONNode.int(1233))
        let oneToOne = chats.filter { !$0.conversation.isGroup }
        let groups = chats.filter { $0.conversation.isGroup }
        return .sortedObject([
            ("Comment", .object([("Comments", .sortedObject([app, ("CommentsList", commentList(.g4, empty))]))])),
            (
                "Direct Message",
                .sortedObject([
                    ("Direct Messages", .object([("ChatHistory", chatMap(oneToOne, empty: .emptyObject))])),
                    ("Group Chat", .object([("GroupChat", chatMap(groups, empty: .emptyObject))])),
                    ("Tako Chat History", .object([("TakoChatHistoryList", .emptyArray)])),
                ])
            ),
            (
                "Income+ Wallet",
                .sortedObject([
                    ("Coin Purchase History", .object([("CoinPurchaseHistoryList", .emptyArray)])),
                    ("Transaction History", .object([("TransactionsList", .emptyArray)])),
                ])
            ),
            (
                "Likes and Favorites",
                .sortedObject(
                    favoriteSections(empty, app: app) + [
                        ("Collection", .emptyObject),
                        ("Favorite Collection", .object([("FavoriteCollectionList", .emptyArray)])),
                        ("Favorite Comment", .object([("FavoriteCommentList", .emptyArray)])),
                        ("Favorite Drama", .emptyObject),
                        ("Favorite Location", .object([("FavoriteLocationList", .emptyArray)])),
                        ("Favorite Movies and TV", .object([("FavoriteMoviesAndTVList", .emptyArray)])),
                        ("Favorite Playlists", .object([("FavoritePlaylistList", .emptyArray)])),
                        (
                            "Like List",
                            .sortedObject([
                                app,
                                (
                                    "ItemFavoriteList",
                                    videoRecords(activity.likes, date: "date", link: "link", empty: empty)
                                ),
                            ])
                        ),
                    ])
            ),
            ("Location Review", .object([("Location Reviews", .object([("ReviewsList", .emptyArray)]))])),
            (
                "Post",
                .sortedObject([
                    ("Posts", .object([("VideoList", postList(.g4, empty))])),
                    ("Recently Deleted Posts", .object([("PostList", .emptyArray)])),
                    ("Story", .emptyObject),
                ])
            ),
            (
                "Profile And Settings",
                .sortedObject([
                    ("AI-Moji", .emptyObject),
                    ("AISelfImage", .emptyObject),
                    ("Autofill", autofill),
                    ("Block List", .sortedObject([app, ("BlockList", people(blocked, empty))])),
                    (
                        "Follower",
                        .sortedObject([app, ("FansList", people(followers, empty)), ("IsFastLane", .bool(true))])
                    ),
                    (
                        "Following",
                        .sortedObject([app, ("Following", people(following, empty)), ("IsFastLane", .bool(true))])
                    ),
                    ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
                    ("Profile Info", .sortedObject([app, ("ProfileMap", profileMap(.g4))])),
                    ("ProfileViews", .object([("ProfileViewList", .emptyArray)])),
                    ("Settings", .sortedObject([app, ("SettingsMap", settingsMap(modern: true))])),
                ])
            ),
            ("TikTok Live", live(watchLiveEmpty: .emptyObject, extraComment: true)),
            ("TikTok Shop", shop(empty)),
            (
                "Your Activity",
                .sortedObject([
                    ("Activity Summary", activitySummary),
                    ("Ad Interests", .object([("AdInterestCategories", .string(adInterests))])),
                    ("Ads Visit History", .object([("AdsVisitHistoryList", .emptyArray)])),
                    ("Donation", .object([("DonationList", .emptyArray)])),
                    ("Fundraiser", .object([("FundraiserList", .emptyArray)])),
                    ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                    ("Instant Form Ads Responses", .object([("ResponsesList", .emptyArray)])),
                    ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                    ("Mini Drama Watch History", .emptyObject),
                    ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
                    ("Purchases", purchases),
                    ("Reposts", .object([("RepostList", .emptyArray)])),
                    ("Searches", .object([("SearchList", searchList(empty))])),
                    ("Share History", .object([("ShareHistoryList", shareList(placeholders: true, empty))])),
                    ("Status", .object([("Status List", statusList(.g4))])),
                    ("Stickers", .object([("StickerList", .emptyArray)])),
                    (
                        "Watch History",
                        .object([
                            (
                                "VideoList",
                                videoRecords(activity.watches, date: "Date", link: "Link", title: true, empty: empty)
                            )
                        ])
                    ),
                ])
            ),
        ])
    }
}
