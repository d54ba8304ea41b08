"""Writes fixtures/sample_directory.jsonl: fictional companies for `make run` and the tests.

Every company, domain and number here is invented. Phone numbers come only from
ranges reserved for fiction (US 555-01xx, UK 020 7946 0xxx); websites use the
reserved .example top-level domain. Run again after changing it; the output is
deterministic.
"""

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "sample_directory.jsonl"

CATEGORIES = {
    "telecoms": ("Telecoms", "Mobile, broadband and landline providers."),
    "streaming": ("Streaming", "Video, music and game subscriptions."),
    "banking": ("Banking", "Banks, cards and payment apps."),
    "energy": ("Energy", "Electricity, gas and water suppliers."),
    "airlines": ("Airlines", "Airlines and travel booking."),
    "insurance": ("Insurance", "Car, home, health and travel insurance."),
    "retail": ("Retail", "Shops, marketplaces and delivery."),
    "software": ("Software", "Apps, cloud services and devices."),
    "fitness": ("Fitness", "Gyms and fitness memberships."),
}

COMPANIES = [
    ("Northwind Wireless", "telecoms", ["Northwind", "North Wind", "NW Mobile", "Nortwind"]),
    ("Contoso Broadband", "telecoms", ["Contoso", "Contoso Fibre"]),
    ("Fabrikam Mobile", "telecoms", ["Fabrikam", "Fabricam"]),
    ("Tailspin Telecom", "telecoms", ["Tailspin"]),
    ("Litware Cable", "telecoms", ["Litware", "Litware TV"]),
    ("Streamly", "streaming", ["Streamly Plus", "Streamlee"]),
    ("Flixster Box", "streaming", ["FlixsterBox"]),
    ("Tunewave Music", "streaming", ["Tunewave"]),
    ("Arcadia Games Pass", "streaming", ["Arcadia"]),
    ("Lumen Video", "streaming", ["LumenTV"]),
    ("Woodgrove Bank", "banking", ["Woodgrove", "Woodgrove Bancorp"]),
    ("Coho Credit Union", "banking", ["Coho CU"]),
    ("Bellows Card", "banking", ["Bellows"]),
    ("Fourth Coffee Pay", "banking", ["4th Coffee Pay", "FC Pay"]),
    ("Keystone Savings", "banking", ["Keystone"]),
    ("Brightvolt Energy", "energy", ["Brightvolt", "Bright Volt"]),
    ("Proseware Power", "energy", ["Proseware"]),
    ("Clearspring Water", "energy", ["Clearspring"]),
    ("Greenfield Gas", "energy", ["Greenfield"]),
    ("Blue Yonder Airlines", "airlines", ["Blue Yonder", "BYA"]),
    ("Margie's Travel", "airlines", ["Margies Travel"]),
    ("Skyhop Air", "airlines", ["Skyhop"]),
    ("Altitude Jet", "airlines", ["Altitude"]),
    ("Humongous Insurance", "insurance", ["Humongous"]),
    ("Safeharbor Mutual", "insurance", ["Safeharbor", "Safe Harbor"]),
    ("Trey Health", "insurance", ["Trey"]),
    ("Lakeshore Auto Cover", "insurance", ["Lakeshore"]),
    ("Wide World Importers", "retail", ["Wide World", "WWI"]),
    ("Adventure Works", "retail", ["AdventureWorks"]),
    ("Alpine Ski House", "retail", ["Alpine Ski"]),
    ("Parcelpoint Delivery", "retail", ["Parcelpoint", "Parcel Point"]),
    ("Graphic Design Institute", "retail", ["GDI"]),
    ("Relecloud", "software", ["Relecloud Drive"]),
    ("Lucerne Publishing", "software", ["Lucerne"]),
    ("Datum Devices", "software", ["A. Datum", "Datum"]),
    ("Vanarsdel Cloud", "software", ["VanArsdel", "Van Arsdel"]),
    ("Fitcore Gyms", "fitness", ["Fitcore", "Fit Core"]),
    ("Pulse Athletic Club", "fitness", ["Pulse Club", "Pulse"]),
    ("Ironbark Fitness", "fitness", ["Ironbark"]),
    ("Stride Studios", "fitness", ["Stride"]),
    ("Quillfeather Books", "retail", ["Quillfeather"]),
    ("Moonrise Energy", "energy", ["Moonrise"]),
    ("Harborview Phone", "telecoms", ["Harborview"]),
    ("Zephyr Rail", "airlines", ["Zephyr"]),
]

US_AREAS = ["202", "212", "312", "415", "617", "213", "305", "206", "512", "303"]
US_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
PLATFORMS = ["x", "facebook", "instagram", "bluesky"]
REASONS = ["wrong number", "never reached a human"]


def slugify(name):
    return (
        "".join(ch if ch.isalnum() else "-" for ch in name.lower().replace("'", ""))
        .strip("-")
        .replace("--", "-")
    )


def hours(opens="08:00", closes="20:00", weekend=None):
    rows = [{"day": d, "opens": opens, "closes": closes} for d in WEEKDAYS]
    if weekend:
        rows += [{"day": d, "opens": weekend[0], "closes": weekend[1]} for d in ("sat", "sun")]
    return rows


def main():
    rng = random.Random(2026)
    us_pool = [(area, n) for area in US_AREAS for n in range(100, 200)]
    rng.shuffle(us_pool)
    numbers = iter(us_pool)
    uk_numbers = iter(rng.sample(range(0, 1000), 200))
    lines = []
    for index, (name, category, aliases) in enumerate(COMPANIES):
        slug = slugify(name)
        domain = slug.replace("-", "") + ".example"
        uk = index % 4 == 3
        zone = "Europe/London" if uk else rng.choice(US_ZONES)
        country = "GB" if uk else "US"

        def phone(uk=uk):
            if uk:
                return f"+44 20 7946 0{next(uk_numbers):03d}"
            area, n = next(numbers)
            return f"+1 {area} 555 0{n}"

        verified = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T10:00:00+00:00"
        source = f"https://www.{domain}/contact"
        channels = []
        no_phone = index % 11 == 5
        if not no_phone:
            channels.append(
                {
                    "kind": "phone",
                    "value": phone(),
                    "department": "general",
                    "country": country,
                    "hours": hours("08:00", "20:00", ("09:00", "17:00") if index % 2 else None),
                    "time_zone": zone,
                    "reaches_human": True,
                    "is_primary": True,
                    "ivr_steps": [
                        {"action": "press", "value": str(rng.randint(1, 4))},
                        {"action": "press", "value": "0"},
                    ]
                    if index % 3 == 0
                    else (
                        [
                            {"action": "press", "value": "2"},
                            {"action": "say", "value": "agent"},
                            {"action": "wait"},
                        ]
                        if index % 3 == 1
                        else []
                    ),
                    "typical_wait_minutes": rng.choice([3, 5, 8, 12, 20, 35]),
                    "human_rank": 1,
                    "source_url": source,
                    "source_seen_at": verified,
                    "last_verified_at": verified,
                }
            )
            channels.append(
                {
                    "kind": "phone",
                    "value": phone(),
                    "department": "cancellations",
                    "country": country,
                    "hours": hours("09:00", "18:00"),
                    "time_zone": zone,
                    "reaches_human": True,
                    "is_primary": True,
                    "ivr_steps": [{"action": "press", "value": "3"}],
                    "typical_wait_minutes": rng.choice([4, 10, 25]),
                    "human_rank": 2,
                    "notes": "Ask for the retention team; they can close the account on the call.",
                    "source_url": source if index % 5 else "https://forum.example/threads/" + slug,
                    "source_seen_at": verified,
                    "last_verified_at": None if index % 7 == 0 else verified,
                }
            )
            channels.append(
                {
                    "kind": "phone",
                    "value": phone(),
                    "department": "billing",
                    "country": country,
                    "hours": hours("08:00", "17:00"),
                    "time_zone": zone,
                    "reaches_human": index % 6 != 0,
                    "typical_wait_minutes": rng.choice([6, 15]),
                    "human_rank": 4,
                    "source_url": source,
                    "last_verified_at": verified,
                }
            )
        channels.append(
            {
                "kind": "email",
                "value": f"help@{domain}",
                "department": "general",
                "reaches_human": True,
                "human_rank": 5,
                "typical_wait_minutes": 60 * 24,
                "source_url": source,
                "last_verified_at": verified,
            }
        )
        channels.append(
            {
                "kind": "chat",
                "value": f"https://www.{domain}/chat",
                "department": "tech_support",
                "reaches_human": True,
                "hours": hours("07:00", "23:00", ("09:00", "21:00")),
                "time_zone": zone,
                "human_rank": 3 if not no_phone else 1,
                "is_primary": True,
                "typical_wait_minutes": rng.choice([2, 4, 9]),
                "source_url": source,
                "last_verified_at": verified,
            }
        )
        channels.append(
            {
                "kind": "web_form",
                "value": f"https://www.{domain}/complaints",
                "department": "complaints",
                "reaches_human": True,
                "human_rank": 6,
                "source_url": source,
                "last_verified_at": verified,
            }
        )
        channels.append(
            {
                "kind": "social",
                "social_platform": PLATFORMS[index % 4],
                "value": "@" + slug.replace("-", "").title().replace(" ", "") + "Help",
                "department": "general",
                "reaches_human": True,
                "human_rank": 7,
                "notes": "Replies to direct messages on weekdays.",
                "source_url": source,
                "last_verified_at": verified,
            }
        )
        if index % 2 == 0:
            channels.append(
                {
                    "kind": "postal",
                    "value": f"{name}\nCustomer Relations\n{rng.randint(10, 999)} Example Street\n"
                    + ("London EC1A 1AA" if uk else "Springfield, ST 00000"),
                    "department": "complaints",
                    "reaches_human": True,
                    "human_rank": 9,
                    "source_url": source,
                }
            )
        if index % 3 == 0:
            channels.append(
                {
                    "kind": "in_person",
                    "value": f"{name} store, {rng.randint(1, 99)} High Street"
                    + (", London" if uk else ", Springfield"),
                    "department": "sales",
                    "reaches_human": True,
                    "human_rank": 8,
                    "hours": hours("10:00", "18:00", ("10:00", "16:00")),
                    "time_zone": zone,
                }
            )
        if index % 2 == 1:
            channels.append(
                {
                    "kind": "app",
                    "value": f"https://www.{domain}/app",
                    "department": "accounts",
                    "reaches_human": False,
                    "human_rank": 10,
                    "notes": "In-app cancellation: Settings → Account → Cancel.",
                }
            )
        if index % 5 == 0:
            channels.append(
                {
                    "kind": "chat",
                    "value": f"https://help.{domain}/bot",
                    "department": "general",
                    "reaches_human": False,
                    "human_rank": 20,
                    "open_24_7": True,
                    "notes": "A bot; type “agent” twice to be handed to a person.",
                }
            )
        lines.append(
            {
                "slug": slug,
                "name": name,
                "aliases": aliases,
                "category": {
                    "slug": category,
                    "name": CATEGORIES[category][0],
                    "description": CATEGORIES[category][1],
                },
                "website": f"https://www.{domain}/",
                "countries": [country] + (["IE"] if uk else ["CA"]) * (index % 2),
                "description": f"{name}: a fictional {CATEGORIES[category][0].lower()} company, sample data.",
                "no_phone_support": no_phone,
                "channels": channels,
            }
        )
    OUT.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} companies, {sum(len(line['channels']) for line in lines)} channels -> {OUT}")


if __name__ == "__main__":
    main()
