"""What the demo registry is made of: plausible Thai names, the roads of each district, the
centres' counts of the source articles, the organisations and foreign volunteers they name,
and the 2017 national workshop (volunteers.demo loads them)."""

import datetime as dt

from volunteers.models import Event, Organisation, Programme, Sex

MALE_NAMES = [
    "สมชาย",
    "ประเสริฐ",
    "วิชัย",
    "สมศักดิ์",
    "ธนากร",
    "สุรชัย",
    "อำนาจ",
    "บุญมี",
    "ชัยวัฒน์",
    "ณัฐพล",
    "กิตติพงษ์",
    "วีระ",
    "สมบัติ",
    "ประยุทธ",
    "เกียรติศักดิ์",
    "ธีรวัฒน์",
    "อนุชา",
    "ไพโรจน์",
    "สุเทพ",
    "วรวุฒิ",
]
FEMALE_NAMES = [
    "สมหญิง",
    "มาลี",
    "สุดารัตน์",
    "วันเพ็ญ",
    "กาญจนา",
    "นภาพร",
    "อรุณี",
    "พรทิพย์",
    "จันทร์เพ็ญ",
    "ศิริพร",
    "ละเอียด",
    "บุญเรือน",
    "ประไพ",
    "เยาวลักษณ์",
    "รัชนี",
    "สุนันทา",
    "ทองใบ",
    "อุไรวรรณ",
    "ขวัญใจ",
    "แก้วตา",
]
SURNAMES = [
    "ใจดี",
    "ศรีสุข",
    "แก้วมณี",
    "ทองคำ",
    "บุญประเสริฐ",
    "สุขสวัสดิ์",
    "วงศ์สวัสดิ์",
    "รักษ์ไทย",
    "มีสุข",
    "พึ่งบุญ",
    "เพชรรัตน์",
    "จันทร์หอม",
    "สายทอง",
    "ปัญญาดี",
    "กลิ่นหอม",
    "อินทร์แก้ว",
    "นาคประเสริฐ",
    "ชัยมงคล",
    "โพธิ์ทอง",
    "เจริญผล",
    "ศรีวงศ์",
    "พุ่มพวง",
    "ดวงแก้ว",
    "ทรัพย์มาก",
]

# Roads and lanes of each district (DOPA code), for addresses in the right place.
ROADS = {
    "1005": [("ถนนรามอินทรา", "รามอินทรา 8"), ("ถนนพหลโยธิน", "พหลโยธิน 48"), ("ถนนวัชรพล", "วัชรพล 2")],
    "1048": [
        ("ถนนพุทธมณฑลสาย 2", "พุทธมณฑลสาย 2 ซอย 9"),
        ("ถนนทวีวัฒนา", "ทวีวัฒนา 25"),
        ("ถนนพุทธมณฑลสาย 3", ""),
    ],
    "1033": [("ถนนพระรามที่ 4", "ดำรงลักษณ์"), ("ถนนสุขุมวิท", "สุขุมวิท 40"), ("ถนนอาจณรงค์", "")],
    "1036": [
        ("ถนนวิภาวดีรังสิต", "วิภาวดีรังสิต 72"),
        ("ถนนเดชะตุงคะ", "เดชะตุงคะ 1"),
        ("ถนนสรงประภา", "สรงประภา 11"),
    ],
    "1046": [("ถนนนิมิตใหม่", "นิมิตใหม่ 40"), ("ถนนหทัยราษฎร์", "หทัยราษฎร์ 33"), ("ถนนสามวา", "")],
    "1050": [("ถนนเอกชัย", "เอกชัย 131"), ("ถนนบางบอน 3", "บางบอน 3 ซอย 5"), ("ถนนกาญจนาภิเษก", "")],
    "1019": [("ถนนฉิมพลี", "ฉิมพลี 22"), ("ถนนชัยพฤกษ์", ""), ("ถนนสวนผัก", "สวนผัก 32")],
    "1045": [("ถนนลาดพร้าว", "ลาดพร้าว 122"), ("ถนนประดิษฐ์มนูธรรม", "")],
    "1038": [
        ("ถนนลาดพร้าว", "ลาดพร้าว 71"),
        ("ถนนโชคชัย 4", "โชคชัย 4 ซอย 18"),
        ("ถนนนาคนิวาส", "นาคนิวาส 6"),
    ],
    "1016": [("ถนนอิสรภาพ", "อิสรภาพ 15"), ("ถนนเพชรเกษม", "เพชรเกษม 7"), ("ถนนจรัญสนิทวงศ์", "")],
    "1003": [("ถนนสุวินทวงศ์", ""), ("ถนนเลียบวารี", "เลียบวารี 24"), ("ถนนร่มเกล้า", "")],
    "1008": [("ถนนกรุงเกษม", ""), ("ถนนหลวง", "")],
}

# Centre code: (how many active อพม., how many other registrations). Bang Khen and Thawi Watthana
# have the counts of the 2019 article; the other centres a plausible handful.
ACTIVE_APM = {
    "BKN": 50,
    "TWT": 19,
    "KTY": 12,
    "DMG": 10,
    "KSW": 9,
    "BBN": 8,
    "TLC": 8,
    "WTL": 9,
    "LPR": 10,
    "BKY": 7,
    "NCK": 11,
    "NAT": 3,
}
OTHER_PROGRAMMES = [Programme.APS, Programme.APMK, Programme.NETWORK]
NATIONAL_DISTRICT = "1008"  # Pom Prap Sattru Phai: the 2017 workshop's hotel is there

ORGANISATIONS = [
    # name, English name, kind, country, contact, website
    (
        "เครือข่ายจิตอาสา",
        "Volunteer Spirit Network",
        Organisation.Kind.NETWORK,
        "TH",
        "ฝ่ายประสานงานเครือข่าย",
        "",
    ),
    (
        "มูลนิธิอาเซียน",
        "ASEAN Foundation",
        Organisation.Kind.ASEAN_PARTNER,
        "ID",
        "ASEAN Volunteers programme",
        "https://www.aseanfoundation.org",
    ),
    (
        "องค์การความร่วมมือระหว่างประเทศของญี่ปุ่น",
        "Japan International Cooperation Agency (JICA)",
        Organisation.Kind.VOLUNTEER_ORGANISATION,
        "JP",
        "JICA Thailand Office",
        "https://www.jica.go.jp",
    ),
    (
        "องค์การความร่วมมือระหว่างประเทศแห่งเกาหลี",
        "Korea International Cooperation Agency (KOICA)",
        Organisation.Kind.VOLUNTEER_ORGANISATION,
        "KR",
        "KOICA Thailand Office",
        "https://www.koica.go.kr",
    ),
    (
        "สันติภาพคอร์ปส์ ประเทศไทย",
        "Peace Corps Thailand",
        Organisation.Kind.VOLUNTEER_ORGANISATION,
        "US",
        "Peace Corps Thailand",
        "https://www.peacecorps.gov",
    ),
    ("ชมรมผู้สูงอายุเขตบางเขน", "", Organisation.Kind.CIVIL_SOCIETY, "TH", "", ""),
]

# Passport, nationality, Thai and Latin names, sex, birth date, host organisation (English name).
FOREIGN_VOLUNTEERS = [
    (
        "TZ1234567",
        "JP",
        "ทาคาชิ",
        "ยามาโมโตะ",
        "Takashi YAMAMOTO",
        Sex.MALE,
        dt.date(1990, 4, 2),
        "Japan International Cooperation Agency (JICA)",
    ),
    (
        "M12345678",
        "KR",
        "จีอึน",
        "คิม",
        "Ji-eun KIM",
        Sex.FEMALE,
        dt.date(1994, 9, 17),
        "Korea International Cooperation Agency (KOICA)",
    ),
    (
        "567812345",
        "US",
        "เอมิลี",
        "คาร์เตอร์",
        "Emily CARTER",
        Sex.FEMALE,
        dt.date(1996, 1, 30),
        "Peace Corps Thailand",
    ),
    (
        "B4455667",
        "ID",
        "บุดี",
        "ซานโตโซ",
        "Budi SANTOSO",
        Sex.MALE,
        dt.date(1992, 6, 11),
        "ASEAN Foundation",
    ),
]

WORKSHOP_2017 = {
    "kind": Event.Kind.WORKSHOP,
    "title": "ประชุมเชิงปฏิบัติการพัฒนาศักยภาพและเสริมสร้างความร่วมมืออาสาสมัคร",
    "starts_on": dt.date(2017, 5, 25),
    "venue": "โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร",
    "capacity": 500,
}
