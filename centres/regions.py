"""Which region each province belongs to.

The grouping is the National Statistical Office's (สำนักงานสถิติแห่งชาติ) five-way split of
national statistics, Bangkok plus four regions, which the ministry's reports follow:
กรุงเทพมหานคร (Bangkok), ภาคกลาง (Central Region), ภาคเหนือ (Northern Region),
ภาคตะวันออกเฉียงเหนือ (Northeastern Region), ภาคใต้ (Southern Region).

Source: National Statistical Office, Statistical Yearbook Thailand 2022 (รายงานสถิติประจำปี
ประเทศไทย 2565), Table 1.6 "Population and House from Registration Record by Region, Province and
Administration Zone: 2021" (ตาราง 1.6 ประชากร และบ้านจากการทะเบียน จำแนกตามภาค จังหวัด และ
เขตการปกครอง พ.ศ. 2564), e-book page 82 (nso.go.th/public/e-book/Statistical-Yearbook/SYB-2022/82);
the same grouping heads Table 1.1 of the NSO's Quarterly Bulletin of Statistics. In it the
eastern and western provinces (Chon Buri ... Prachuap Khiri Khan) count in the Central Region and
Nakhon Sawan, Uthai Thani and the lower north in the Northern Region. Not to be confused with the
yearbook's "Regional Specification" page, which describes the six-way grouping of the National
Economic and Social Development Plan (Bangkok and Vicinities, East, West, ...) used by other tables.
Keyed by DOPA province code.
"""

REGIONS = [
    # code, Thai name, English name, order
    ("BKK", "กรุงเทพมหานคร", "Bangkok", 1),
    ("C", "ภาคกลาง", "Central", 2),
    ("N", "ภาคเหนือ", "North", 3),
    ("NE", "ภาคตะวันออกเฉียงเหนือ", "Northeast", 4),
    ("S", "ภาคใต้", "South", 5),
]

_BY_REGION = {
    "BKK": ["10"],
    # Central, with the East (20-27) and the West (70-77): 25 provinces.
    "C": [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "70",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "77",
    ],
    # North, with the lower north (60-67): 17 provinces.
    "N": [
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
    ],
    # Northeast: 20 provinces.
    "NE": [
        "30",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "38",
        "39",
        "40",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
    ],
    # South: 14 provinces.
    "S": ["80", "81", "82", "83", "84", "85", "86", "90", "91", "92", "93", "94", "95", "96"],
}

PROVINCE_REGION = {code: region for region, codes in _BY_REGION.items() for code in codes}
