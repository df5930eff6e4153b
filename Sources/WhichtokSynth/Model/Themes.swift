/// The vocabulary communities are built from: a theme name, its hashtags, search phrases and the
/// words its comments and messages use. Communities beyond the list reuse a theme with a numeric
/// suffix, so their hashtags stay distinct.
struct Theme {
    var name: String
    var hashtags: [String]
    var nouns: [String]
}

enum Themes {
    static let all: [Theme] = [
        Theme(
            name: "foodtok",
            hashtags: [
                "foodtok", "recipe", "easyrecipe", "mealprep", "ramen", "baking", "airfryer", "streetfood", "料理",
            ],
            nouns: ["ramen", "sourdough", "dumplings", "lasagna", "pho", "brownies", "tacos"]),
        Theme(
            name: "booktok",
            hashtags: [
                "booktok", "bookrecommendations", "fantasybooks", "romancebooks", "reading", "tbr", "kindle", "bookish",
                "книги",
            ],
            nouns: ["fantasy series", "audiobook", "plot twist", "annotated copy", "reading slump", "sequel"]),
        Theme(
            name: "gymtok",
            hashtags: ["gymtok", "fitness", "legday", "workout", "powerlifting", "protein", "gains", "running"],
            nouns: ["deadlift", "leg day", "pre-workout", "5k run", "bench PR", "mobility routine"]),
        Theme(
            name: "planttok",
            hashtags: [
                "planttok", "houseplants", "monstera", "gardening", "succulents", "plantcare", "propagation",
                "urbanjungle",
            ],
            nouns: ["monstera", "pothos cutting", "grow light", "repotting", "fiddle leaf", "aroid mix"]),
        Theme(
            name: "techtok",
            hashtags: [
                "techtok", "coding", "programming", "desksetup", "gadgets", "linux", "ai", "mechanicalkeyboard",
            ],
            nouns: ["keyboard", "home server", "side project", "terminal setup", "new laptop", "bug fix"]),
        Theme(
            name: "dancetok",
            hashtags: [
                "dance", "dancechallenge", "choreography", "kpopdance", "trend", "dancetutorial", "hiphopdance",
                "ballet",
            ],
            nouns: ["choreo", "dance challenge", "footwork", "transition", "freestyle", "duet"]),
        Theme(
            name: "pettok",
            hashtags: [
                "dogsoftiktok", "catsoftiktok", "puppy", "pets", "rescuedog", "goldenretriever", "kitten",
                "funnyanimals", "котики",
            ],
            nouns: ["puppy", "rescue cat", "zoomies", "vet visit", "treat", "new leash"]),
        Theme(
            name: "cleantok",
            hashtags: ["cleantok", "cleaning", "organization", "asmr", "restock", "laundry", "declutter", "homehacks"],
            nouns: ["fridge restock", "deep clean", "label maker", "pantry", "laundry day", "reset"]),
        Theme(
            name: "gamertok",
            hashtags: [
                "gaming", "minecraft", "fortnite", "speedrun", "retrogaming", "nintendo", "esports", "streamer",
            ],
            nouns: ["speedrun", "boss fight", "new patch", "build", "ranked match", "controller"]),
        Theme(
            name: "traveltok",
            hashtags: [
                "traveltok", "travel", "backpacking", "roadtrip", "hiddengems", "vanlife", "europetravel", "wanderlust",
                "viaje",
            ],
            nouns: ["night train", "hostel", "road trip", "hidden beach", "layover", "old town"]),
        Theme(
            name: "footballtok",
            hashtags: ["football", "soccer", "premierleague", "goals", "skills", "matchday", "fifa", "ultras"],
            nouns: ["free kick", "derby", "transfer", "last-minute goal", "away day", "penalty"]),
        Theme(
            name: "animetok",
            hashtags: [
                "anime", "manga", "cosplay", "onepiece", "jujutsukaisen", "animeedit", "otaku", "naruto", "アニメ",
            ],
            nouns: ["new season", "cosplay", "manga panel", "opening theme", "edit", "arc"]),
        Theme(
            name: "diytok",
            hashtags: [
                "diy", "woodworking", "crafts", "upcycling", "homeimprovement", "crochet", "sewing", "toolhacks",
            ],
            nouns: ["workbench", "crochet bag", "thrift flip", "shelf", "paint job", "jig"]),
        Theme(
            name: "skintok",
            hashtags: ["skincare", "skincareroutine", "makeup", "grwm", "acne", "spf", "kbeauty", "glowup"],
            nouns: ["serum", "SPF", "night routine", "lip combo", "moisturiser", "toner"]),
        Theme(
            name: "musictok",
            hashtags: ["music", "guitar", "piano", "cover", "producer", "singing", "beats", "vinyl", "música"],
            nouns: ["guitar riff", "piano cover", "new beat", "vinyl haul", "harmony", "loop"]),
        Theme(
            name: "sciencetok",
            hashtags: ["science", "physics", "space", "chemistry", "biology", "learnontiktok", "math", "astronomy"],
            nouns: ["experiment", "telescope", "eclipse", "proof", "lab demo", "black hole"]),
    ]

    /// The theme of community `index`, renamed with a suffix after the first pass over the list.
    static func theme(for index: Int) -> Theme {
        let base = all[index % all.count]
        let round = index / all.count
        guard round > 0 else { return base }
        let suffix = String(round + 1)
        return Theme(name: base.name + suffix, hashtags: base.hashtags.map { $0 + suffix }, nouns: base.nouns)
    }

    static let hashtagExtras = ["tips", "daily", "life", "hack", "fyp", "101", "check", "vibes", "era", "club"]
    static let soundWords = [
        "Midnight", "Velvet", "Neon", "Golden", "Paper", "Summer", "Electric", "Lazy", "Cosmic", "Sugar",
    ]
    static let soundNouns = [
        "Drive", "Hearts", "Groove", "Skyline", "Echo", "Parade", "Waves", "Bloom", "Signal", "Loop",
    ]
    static let artists = [
        "Lumi", "DJ Karo", "The Ferns", "Mika Sol", "Nørd", "Aya & Co", "Bassline Bros", "Élodie", "ЯСНО", "K-Vibe",
    ]
    static let effectNames = [
        "Green Screen", "Time Warp Scan", "Bling", "Sketch", "Slow Zoom", "Retro VHS", "Glow Skin", "Split Screen",
    ]

    /// Donor name stems: plain, with an underscore or period, a capital, Cyrillic letters, an emoji.
    static let donorStems = [
        "mila", "the_chef", "jo.ko", "Lena", "ксюша", "sun🌞", "tom.b", "ana_lou", "noor", "max_k", "женя",
        "kiki🌸", "lou.r", "bram", "ÉMILE", "sofi_a", "pixel🎮", "oli.v", "dasha_Д", "yuki",
    ]

    static let firstNames = [
        "Mila", "Tom", "Ana", "Noor", "Max", "Ksenia", "Lou", "Bram", "Sofia", "Yuki", "Émile", "Dasha",
    ]

    static let commentOpeners = [
        "this is so good", "need the recipe for this", "omg", "ok but why is this me", "saving this",
        "the way I screamed", "no because same", "came here from the duet", "underrated", "10/10",
        "first 🥇", "petition for part 2", "literally me", "I tried this and it worked", "😭😭😭",
        "the \"after\" got me", "this > everything", "real", "not the ending 💀", "okay this is genius",
    ]

    static let messageOpeners = [
        "look at this", "lol", "did you see this?", "omg same", "haha yes", "this is us",
        "wanna go this weekend?", "ok: see you at 5", "😂😂", "send me the link pls", "привет! как дела?",
        "goeiemorgen ☀️", "I can't stop watching this", "wait what", "\"iconic\" is an understatement",
        "brb", "you have to try this", "same time tomorrow?", "🔥🔥🔥", "no way",
    ]
}
