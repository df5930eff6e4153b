import WhichtokSupport

/// The JSON sections the importer skips (ads, purchases, location, live, shop): present so the
/// documents have the real shape around the sections it reads.
extension DonorRender {
    var adInterests: String { donor.index % 3 == 0 ? "" : "Food & Beverage|Travel|Games" }

    func adsAndData(_ empty: JSONNode) -> JSONNode {
        .sortedObject([
            ("Ad Interests", .object([("AdInterestCategories", .string(adInterests))])),
            ("Instant Form Ads Responses", .object([("ResponsesList", .null)])),
            ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
        ])
    }

    var purchases: JSONNode {
        .sortedObject([
            ("BuyGifts", .object([("BuyGifts", .null)])),
            ("SendGifts", .object([("SendGifts", .null)])),
        ])
    }

    var locationData: JSONNode {
        .object([
            (
                "LocationData",
                .object([
                    ("Date", .string("N/A")), ("GpsData", .string("N/A")), ("LastRegion", .string("N/A")),
                ])
            )
        ])
    }

    var activitySummary: JSONNode {
        .object([
            (
                "ActivitySummaryMap",
                .object([
                    ("note", .string("This data may have delays of up to several days.")),
                    ("videosCommentedOnSinceAccountRegistration", .int(activity.comments.count)),
                    ("videosSharedSinceAccountRegistration", .int(activity.shares.count)),
                    ("videosWatchedToTheEndSinceAccountRegistration", .int(activity.watches.count / 3)),
                ])
            )
        ])
    }

    func live(watchLiveEmpty: JSONNode, extraComment: Bool) -> JSONNode {
        var sections: [(String, JSONNode)] = [
            ("Go Live History", .object([("GoLiveList", .null)])),
            (
                "Go Live Settings",
                .object([
                    (
                        "SettingsMap",
                        .object([
                            ("Allow Comments", .string("Enabled")), ("Allow Gifts", .string("Disabled")),
                        ])
                    )
                ])
            ),
            ("Watch Live History", .object([("WatchLiveMap", watchLiveEmpty)])),
            (
                "Watch Live Settings",
                .object([
                    ("MostRecentModificationTimeInApp", .string(String(donor.exportTime * 1000 - 86_400_000))),
                    ("MostRecentModificationTimeInWeb", .string("0")),
                    ("WatchLiveSettingsMap", .object([("app", .string("Default")), ("web", .string("N/A"))])),
                ])
            ),
        ]
        if extraComment { sections.append(("Watch Live Comment", .emptyObject)) }
        return .sortedObject(sections)
    }

    func shop(_ empty: JSONNode) -> JSONNode {
        .sortedObject([
            ("Communication With Shops", .object([("CommunicationHistories", empty)])),
            ("Current Payment Information", .object([("PayCard", empty)])),
            ("Customer Support History", .object([("CustomerSupportHistories", empty)])),
            ("Order Dispute History", .object([("OrderDisputeHistories", empty)])),
            ("Order History", .object([("OrderHistories", empty)])),
            ("Product Browsing History", .object([("ProductBrowsingHistories", empty)])),
            ("Product Reviews", .object([("ProductReviewHistories", empty)])),
            ("Returns and Refunds History", .object([("ReturnAndRefundHistories", empty)])),
            ("Saved Address Information", .object([("SavedAddress", empty)])),
            ("Shopping Cart List", .object([("ShoppingCart", empty)])),
            ("Vouchers", .object([("Vouchers", empty)])),
        ])
    }
}
