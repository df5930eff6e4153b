import WhichtokSupport

/// The profile and settings maps of the JSON layouts, per generation.
extension DonorRender {
    func profileMap(_ generation: Generation) -> JSONNode {
        var fields: [(String, JSONNode)] = [
            ("userName", .string(username)),
            ("bioDescription", .string(bio)),
            ("birthDate", .string(birthDate)),
            ("emailAddress", .string(email)),
            ("telephoneNumber", .string("")),
            ("likesReceived", .string(likesReceived)),
            ("profilePhoto", .string(profilePhoto)),
            ("profileVideo", .string("None")),
        ]
        if generation == .g3 || generation == .g4 {
            fields += [
                ("displayName", .string(Themes.firstNames[donor.index % Themes.firstNames.count])),
                ("followerCount", .int(social.followersOf[donor.index].count)),
                ("followingCount", .int(following.count)),
                ("inferredGender", .string("None")),
                ("instagramLink", .string("")),
                ("youtubeLink", .string("")),
                ("lemon8Link", .string("")),
                ("aiSelf", .string("")),
            ]
        }
        if generation == .g4 {
            fields += [("accountRegion", .string(donor.index % 2 == 0 ? "NL" : "GB")), ("fundraiser", .string(""))]
        }
        if generation != .g1 {
            fields.append(
                (
                    "PlatformInfo",
                    .array([
                        .object([
                            ("Description", .string("")), ("Name", .string(username)), ("Platform", .string("TikTok")),
                            ("Profile Photo", .string(profilePhoto)),
                        ])
                    ])
                ))
        }
        return .object(fields)
    }

    var autofill: JSONNode {
        .object([
            ("PhoneNumber", .string("N/A")), ("Email", .string(email)), ("FirstName", .string("N/A")),
            ("LastName", .string("N/A")), ("Address", .string("N/A")), ("ZipCode", .string("N/A")),
            ("Unit", .string("N/A")), ("City", .string("N/A")), ("State", .string("N/A")), ("Country", .string("N/A")),
        ])
    }

    func settingsMap(modern: Bool) -> JSONNode {
        var fields: [(String, JSONNode)] = [
            ("Allow DownLoad", .string("On")),
            ("Allow Others to Find Me", .string("Enabled")),
            (
                "Content Preferences",
                .object([
                    ("Keyword filters for videos in Following feed", .emptyArray),
                    ("Keyword filters for videos in For You feed", .array([.string("spoilers"), .string("diet")])),
                ])
            ),
            ("Family Content Preferences", .emptyObject),
            ("Interests", .string(world.communities[donor.community].name + "|Travel|Comedy")),
            ("Private Account", .string(donor.index % 4 == 0 ? "Enabled" : "Disabled")),
            (
                "Push Notification",
                .object([("Likes", .string("On")), ("Comments", .string("On")), ("New followers", .string("Off"))])
            ),
            ("Who Can Post Comments", .string("Everyone")),
            ("Who Can Send Messages", .string("Friends")),
        ]
        if modern {
            fields += [
                ("FamilyPairing", .emptyArray),
                ("ScreenTime", .emptyArray),
                ("Who can see your following list::", .string("Only me")),
            ]
        }
        return .sortedObject(fields)
    }
}
