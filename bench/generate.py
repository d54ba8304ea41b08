"""Generated directory records in the import format, reproducible from a seed.

All names are invented, websites use the reserved .example domain and phone
numbers stay in the ranges reserved for fiction (US 555-0100 to 555-0199,
UK 020 7946 0000 to 0999).
"""

import json
import random

SYLLABLES = ["nor", "th", "wind", "con", "to", "so", "fab", "ri", "kam", "lit", "ware", "tail", "spin", "wood",
             "grove", "co", "ho", "lu", "cerne", "pro", "se", "vol", "ta", "zen", "ith", "mar", "quil", "bel"]  # fmt: skip
SUFFIXES = [
    "Wireless",
    "Bank",
    "Energy",
    "Insurance",
    "Air",
    "Books",
    "Cloud",
    "Gyms",
    "Mobile",
    "Stores",
    "Water",
]
CATEGORIES = [
    "Telecoms",
    "Banking",
    "Energy",
    "Insurance",
    "Airlines",
    "Retail",
    "Software",
    "Fitness",
    "Streaming",
]
US_AREAS = ["202", "212", "312", "415", "617", "213", "305", "206", "512", "303", "404", "702"]


def company_records(count, seed=1):
    rng = random.Random(seed)
    for n in range(count):
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        name = f"{stem} {rng.choice(SUFFIXES)} {n}"
        slug = f"{stem.lower()}-{n}"
        domain = f"{slug}.example"
        uk = n % 5 == 0

        def phone(uk=uk):
            if uk:
                return f"+44 20 7946 0{rng.randint(0, 999):03d}"
            return f"+1 {rng.choice(US_AREAS)} 555 01{rng.randint(0, 99):02d}"

        yield {
            "slug": slug,
            "name": name,
            "aliases": [stem, name.replace(" ", "")],
            "category": rng.choice(CATEGORIES),
            "website": f"https://www.{domain}/",
            "countries": ["GB"] if uk else ["US"],
            "channels": [
                {
                    "kind": "phone",
                    "value": phone(),
                    "department": "general",
                    "country": "GB" if uk else "US",
                    "is_primary": True,
                    "human_rank": 1,
                    "ivr_steps": [{"action": "press", "value": str(rng.randint(1, 9))}],
                    "hours": [
                        {"day": d, "opens": "08:00", "closes": "20:00"}
                        for d in ("mon", "tue", "wed", "thu", "fri")
                    ],
                    "time_zone": "Europe/London" if uk else "America/New_York",
                },
                {
                    "kind": "phone",
                    "value": phone(),
                    "department": "cancellations",
                    "country": "GB" if uk else "US",
                },
                {"kind": "email", "value": f"help@{domain}", "department": "general", "human_rank": 5},
                {
                    "kind": "chat",
                    "value": f"https://www.{domain}/chat",
                    "department": "tech_support",
                    "human_rank": 3,
                },
                {"kind": "social", "social_platform": "x", "value": f"@{stem}Help{n}", "human_rank": 7},
            ],
        }


def write_jsonl(path, count, seed=1):
    with open(path, "w", encoding="utf-8") as fh:
        for record in company_records(count, seed):
            fh.write(json.dumps(record) + "\n")
