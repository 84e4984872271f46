"""The slots a case question fills, as data: places, audiences and offerings, each value with the words
that name it.

A place is named by its proper names (the country, its demonym, its big cities), matched with their
capitals ("Poland", "Polish", "Warsaw"; "US" but not "us"); `within` says which larger places it lies
in, so "Lyon" answers "across Europe". An audience or an offering is named by lower-case word starts
("teen" for teens and teenagers); its `kinds` say which other values overlap it (students and teenagers
share "young"), so an answer that names an overlapping value is not naming another one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    name: str
    words: str
    """A regular expression of alternatives ("teen|adolescen|gen z"), each matched from the start of a
    word: with their capitals for places, in lower case for the rest (they are matched against the
    lower-cased text)."""
    kinds: frozenset[str] = frozenset()
    """Places: the larger places it lies in. Audiences and offerings: the groups it overlaps."""
    askable: bool = True
    """False for a value too common in questions to be what one asks about ("delivery"): it is only
    ever another value an answer gives."""
    displaces: bool = True
    """False for a value answers name in passing whatever they are about (the companies' home markets,
    China and the US, in datelines, currencies and comparisons): naming it instead of the asked one is
    no evidence. Those are not `askable` either: a question names them in passing too ("a RMB 50
    million campaign")."""

    @property
    def label(self) -> str:
        """How feedback names it: a place by its first name ("Poland", "UK"), the rest by `name`."""
        first = self.words.split("|")[0].replace("\\b", "")
        return first if first[:1].isupper() else self.name


def _value(name: str, words: str, kinds: str = "", askable: bool = True, displaces: bool = True) -> Value:
    return Value(name, words, frozenset(kinds.split()) | {name}, askable, displaces)


PLACES = (
    _value("europe", r"Europe|European|EU\b|Eurozone"),
    _value("asia", r"Asia\b|Asian|APAC"),
    _value("southeast-asia", r"Southeast Asia|South-East Asia|South East Asia|SEA\b|ASEAN", "asia"),
    _value("latin-america", r"Latin America|LatAm|LATAM|South America"),
    _value("middle-east", r"Middle East|Gulf\b|GCC\b|MENA\b|Qatar|Doha|Kuwait|Bahrain|Oman\b", "asia"),
    _value("africa", r"Africa|African|Lagos|Nairobi"),
    _value("north-america", r"North America"),
    _value("poland", r"Poland|Polish|Poles\b|Warsaw|Krak[oó]w|Wroc[lł]aw|Gda[nń]sk|Pozna[nń]", "europe"),
    _value("spain", r"Spain|Spanish|Madrid|Barcelona|Valencia|Seville", "europe"),
    _value("france", r"France|French|Paris|Lyon|Marseille|Toulouse", "europe"),
    _value("germany", r"Germany|German|Berlin|Munich|Hamburg|Frankfurt", "europe"),
    _value("uk", r"UK\b|U\.K\.|Britain|British|England|London|Manchester|Birmingham|Leeds|Glasgow", "europe"),
    _value("italy", r"Italy|Italian|Milan|Rome\b", "europe"),
    _value("netherlands", r"Netherlands|Dutch|Amsterdam", "europe"),
    _value("turkey", r"Türkiye|Turkish|Istanbul", "europe asia"),
    _value(
        "us",
        r"US\b|U\.S\.|USA\b|United States|America\b|American|Seattle|New York|California|Texas",
        "north-america",
        askable=False,
        displaces=False,
    ),
    _value("canada", r"Canada|Canadian|Toronto|Vancouver", "north-america"),
    _value("mexico", r"Mexico|Mexican|Guadalajara|Monterrey", "latin-america north-america"),
    _value("brazil", r"Brazil|Brasil|S[aã]o Paulo|Rio\b|Rio de Janeiro|reais\b|BRL\b", "latin-america"),
    _value("argentina", r"Argentina|Argentinian|Buenos Aires", "latin-america"),
    _value("chile", r"Chile\b|Chilean|Santiago", "latin-america"),
    _value("colombia", r"Colombia|Bogot[aá]", "latin-america"),
    _value(
        "china",
        r"China|Chinese|Mainland|Beijing|Shanghai|Shenzhen|Guangzhou|Hangzhou|Chengdu|Chongqing|Wuhan|Nanjing|"
        r"Suzhou|Xi'?an\b|Tianjin|Ningbo|Yiwu|Fujian|Zhejiang|Jiangsu|Guangdong|Sichuan|Yunnan|Anhui|Jiangxi|"
        r"Henan|Hunan|Hubei|Shandong|Hebei|Guangxi|Guizhou|Shaoxing|Dongguan|Xiamen|Kunming|Qingdao|Jing'an|RMB\b|"
        r"yuan\b",
        "asia",
        askable=False,
        displaces=False,
    ),
    _value("hong-kong", r"Hong Kong", "asia china"),
    _value("taiwan", r"Taiwan|Taipei", "asia"),
    _value("japan", r"Japan|Japanese|Tokyo|Osaka|Kyoto|Nagoya|Fukuoka|yen\b", "asia"),
    _value("korea", r"Korea|Korean|K-beauty|K-pop|K-drama|Seoul|Busan", "asia"),
    _value("india", r"India\b|Indian|Delhi|Mumbai|Bangalore|Bengaluru|Chennai|Hyderabad|Kolkata|Pune|rupee", "asia"),
    _value("pakistan", r"Pakistan|Karachi|Lahore", "asia"),
    _value("bangladesh", r"Bangladesh|Dhaka", "asia"),
    _value(
        "indonesia",
        r"Indonesia|Jakarta|Surabaya|Bandung|Bali\b|Medan|Makassar|Semarang|Yogyakarta",
        "asia southeast-asia",
    ),
    _value(
        "philippines",
        r"Philippines|Philippine|Filipin|Manila|Cebu|Davao|Mindanao|Luzon|Quezon|Makati|Pinoy",
        "asia southeast-asia",
    ),
    _value("vietnam", r"Vietnam|Viet Nam|Vietnamese|Hanoi|Ho Chi Minh|HCMC|Saigon|Da Nang", "asia southeast-asia"),
    _value("thailand", r"Thailand|Thai\b|Bangkok|Chiang Mai|baht", "asia southeast-asia"),
    _value("malaysia", r"Malaysia|Kuala Lumpur|KL\b|Klang|Penang|Johor|RM\s?\d|ringgit", "asia southeast-asia"),
    _value("singapore", r"Singapore", "asia southeast-asia"),
    _value("uae", r"UAE\b|Emirat|Dubai|Abu Dhabi", "middle-east asia"),
    _value("saudi", r"Saudi|Riyadh|Jeddah", "middle-east asia"),
    _value("australia", r"Australia|Sydney|Melbourne"),
)

AUDIENCES = (
    _value(
        "teenagers",
        r"teen|adolescen|youth|youngster|gen z\b|gen-z|high.school|secondary.school|1[3-7] ?(?:to|-|–) ?1[5-9]|"
        r"aged 1[3-9]\b|1[3-9]-year-old",
        "young student",
    ),
    _value(
        "students",
        r"student|pupil|undergrad|postgrad|fresher|campus|universit|college|school ?kid|year \d+\b",
        "young student",
    ),
    _value(
        "young adults",
        r"twenties|twentysomething|20-something|(?:in their|aged) 20|(?:18|20|22) ?(?:to|-|–) ?(?:24|25|29|30|34|35)\b|"
        r"young (?:adult|people|shopper|user|professional|consumer|buyer|women|men)|millennial",
        "young",
    ),
    _value(
        "older people",
        r"older|elder|seniors|senior citizen|retire|pension|grandparent|grandm|grandf|widow|"
        r"over[- ](?:[5-9]\d\b|fifty|sixty|seventy|eighty)|[5-9]\d ?(?:-plus|\+|-year-old|year-old|years old)|"
        r"aged [5-9]\d|in (?:their|her|his) (?:[5-9]0s|fifties|sixties|seventies|eighties)|ageing|aging|later life",
        "older",
    ),
    _value(
        "parents and families",
        r"parent|famil|mother|father|mum\b|mums\b|mom\b|moms\b|dad\b|dads\b|kids?\b|child|baby|babies|infant|toddler|"
        r"couples?\b|dual-income",
        "family",
    ),
    _value("households", r"household|home owner|homeowner", "family"),
    _value(
        "small businesses",
        r"small (?:and (?:mid|medium)[- ]size[d]? )?(?:business|compan|firm|brand|shop|store|merchant|seller|retailer)|"
        r"smbs?\b|smes?\b|mid-size (?:business|compan)|shop owner|shopkeeper|store owner|business owner|"
        r"mom-and-pop|independent (?:shop|store|retailer|grocer)|micro-business|sole trader|family-run|kirana|"
        r"warung|sari-sari",
        "business merchant",
    ),
    _value("sellers and merchants", r"seller|merchant|vendor|retailer|storefront", "business merchant"),
    _value(
        "restaurants",
        r"restaurant|caf[eé]|coffee shop|eater|diner|kitchen|food stall|bakery|bakeries",
        "business merchant",
    ),
    _value("hotels", r"hotel|hospitality|guest room|guesthouse|resort|homestay|front desk|property manage", "hotel"),
    _value("car dealers", r"dealer|auto dealer|automotive|motor trade|vehicle|cars?\b", "dealer"),
    _value("startups", r"startup|start-up|founder|entrepreneur|early-stage|seed-stage", "business developer"),
    _value(
        "developers",
        r"developer|engineer|programmer|coder|devs?\b|devops|software team|cto\b|tech lead|data scien",
        "developer",
    ),
    _value("drivers and couriers", r"driver|courier|rider|delivery associate|delivery partner", "worker"),
    _value(
        "staff",
        r"employee|staff|associate|picker|packer|worker|frontline|front-line|workforce|colleague|operator|"
        r"shift work|shifts\b|supervisor",
        "worker",
    ),
    _value(
        "tourists",
        r"tourist|travel|visitor|foreigner|inbound|holidaymaker|backpacker|expat|trip\b|trips\b",
        "traveller",
    ),
    _value("farmers", r"farmer|grower|orchard|farm\b|farms\b|cooperative", "farmer"),
    _value(
        "schools",
        r"school|teacher|classroom|class\b|classes\b|homework|headteacher|principal|education",
        "student family school",
    ),
    _value("viewers", r"viewer|watch|audience|fan\b|fans\b|spectator|binge", "viewer"),
    _value("authors", r"author(?!it)|writer|novelist|publisher|self-publish", "author"),
    _value("advertisers", r"advertiser|brand manager|marketer|ad agenc", "business merchant"),
    _value("patients", r"patient|carer|caregiver|medication|pharmac|clinic|doctor", "patient"),
    _value("pet owners", r"pet\b|pets\b|pet owner|dog|cat\b|cats\b|puppy|kitten", "pet"),
)

OFFERINGS = (
    _value(
        "second-hand goods",
        r"second.hand|secondhand|refurbish|renewed|pre-owned|preowned|resale|resell|certified|"
        r"used (?:phone|electronic|device|laptop|good|item|car)",
        "used",
    ),
    _value("trade-in", r"trade-in|trade in|trading in|traded in|buyback|buy-back", "trade"),
    _value(
        "video ads",
        r"video ad|video campaign|video creative|video spot|video placement|shoppable video|short video|video format|"
        r"sponsored video|in-stream|pre-roll|ctv\b",
        "video",
    ),
    _value(
        "loans",
        r"loans?\b|lend|borrow|working capital|financing|credit line|line of credit|cash advance|capital\b",
        "credit",
    ),
    _value("buy now pay later", r"pay ?later|paylater|bnpl|instal+ments?|interest-free", "credit"),
    _value(
        "live streaming",
        r"live.?stream|live (?:shopping|selling|sale|session|show|room|commerce|broadcast|video)|"
        r"live (?:game|match|sport|event)|(?:taobao|lazada|tiktok|douyin|shopee|amazon|laz) ?live\b|"
        r"streamer|streaming|streams?\b|broadcast|host",
        "live",
    ),
    _value("allergies", r"allerg|gluten|nut-free|intoleran|dietary|coeliac|celiac|lactose", "allergy"),
    _value(
        "cross-border trade", r"cross-border|import|export|overseas|international|abroad|global|foreign", "crossborder"
    ),
    _value("expense claims", r"expense|reimburs|fapiao|invoice|receipt", "expense"),
    _value(
        "generative AI",
        r"generative|genai|gen-ai|\bai\b|llm|large.language|large.model|model|chatbot|assistant|copilot|agent",
        "ai",
    ),
    _value(
        "fulfilment operations", r"picking|picker|pick list|warehouse|fulfil+ment cent|packing|sorting|conveyor", "ops"
    ),
    _value("returns", r"returns?\b(?! on)|returning|refund|drop-off point|exchange", "returns"),
    _value("delivery", r"deliver|parcel|courier|last.mile|shipping|shipment", "delivery", askable=False),
    _value("meal kits", r"meal.kit|recipe|cook", "meal"),
    _value("textbooks", r"textbook|set text|exams?\b|revision|study|reading list", "study"),
)

SLOTS = {"place": PLACES, "audience": AUDIENCES, "offering": OFFERINGS}
