"""Writes labelled_values.tsv: values and what they are (or `none`), to measure the
detectors' precision and recall (tests/unit/governance/detectors_test.cpp). Seeded,
so the file is reproducible: python3 make_labelled_values.py > labelled_values.tsv

Positives are drawn the way such values appear in service events; negatives are the
values that look most like them — order numbers, timestamps, versions, Luhn-invalid
or unissued card numbers, impossible NIK dates, prices, hashes, free text."""
import random

rnd = random.Random(20261201)
rows = []


def looks_like_nik(v):
    """The NIK rules (docs/governance.md): a random 16-digit negative that meets them
    is indistinguishable from a NIK, so it cannot serve as a negative."""
    if len(v) != 16 or not v.isdigit():
        return False
    p = int(v[:2])
    if not (11 <= p <= 19 or p == 21 or 31 <= p <= 36 or 51 <= p <= 53 or 61 <= p <= 65 or 71 <= p <= 76
            or p in (81, 82) or 91 <= p <= 96):
        return False
    day, month = int(v[6:8]) % 40 or 40, int(v[8:10])
    return v[2:4] != "00" and v[4:6] != "00" and 1 <= month <= 12 and 1 <= day <= 31 and v[12:] != "0000"


def luhn_ok(digits):
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_card(v):
    """Likewise for a negative that meets every card rule (issuer prefix, length, Luhn)."""
    d = v.replace(" ", "").replace("-", "")
    if not (d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)):
        return False
    p2, p4 = int(d[:2]), int(d[:4])
    return (d[0] == "4" or 51 <= p2 <= 55 or 2221 <= p4 <= 2720 or p2 in (34, 37, 35, 62, 36, 38, 65) or p4 == 6011
            or 6440 <= p4 <= 6499 or (p2 == 30 and d[2] in "012345"))


def add(label, value):
    if label == "none" and (looks_like_nik(value) or looks_like_card(value)):
        return
    rows.append((label, value))


def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix] + [rnd.randrange(10) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


first = ["budi", "siti", "andi", "dewi", "john.smith", "maria", "a.putri", "rizky_93", "noreply", "o'brien", "li+tag"]
domains = ["gmail.com", "yahoo.co.id", "example.org", "corp.example.com", "mail.ugm.ac.id", "x-y.io"]
for _ in range(60):
    add("email", f"{rnd.choice(first)}{rnd.randrange(100)}@{rnd.choice(domains)}")
for v in ["user@localhost", "@example.com", "john@", "john@@example.com", "john.@example.com", "a..b@example.com",
          "name at example.com", "john@example", "john@example.c", "john@-example.com", "see me@example.com",
          "mailto:", "2026-12-01T10:00:00Z", "v1.2.3@beta", "support", "john@example.123"]:
    add("none", v)

for _ in range(25):
    add("phone", f"+62 8{rnd.randrange(11, 99)}-{rnd.randrange(1000, 9999)}-{rnd.randrange(1000, 9999)}")
for _ in range(20):
    add("phone", f"08{rnd.randrange(11, 99)}{rnd.randrange(1000000, 99999999)}")
for _ in range(10):
    add("phone", f"628{rnd.randrange(11, 99)}{rnd.randrange(1000000, 9999999)}")
for _ in range(15):
    add("phone", f"+{rnd.choice(['1', '44', '49', '65', '81'])} {rnd.randrange(100, 999)} {rnd.randrange(100, 999)} {rnd.randrange(1000, 9999)}")
for v in ["(021) 5550123", "021-5551234", "0274 555012", "(0361) 755123"]:
    add("phone", v)
for _ in range(20):
    add("none", str(rnd.randrange(10**5, 10**9)))  # order ids, counts
for v in ["+0 123 456 789", "12345", "2026-12-01", "10:30:15", "1.2.3.4.5", "+", "0000000000", "(555)",
          "3.14159265", "1,234,567", "-12345678", "0 8 1 2"]:
    add("none", v)

issuers = [("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15),
           ("6011", 16), ("65", 16), ("35", 16), ("62", 16), ("36", 14)]
for _ in range(60):
    prefix, length = rnd.choice(issuers)
    number = luhn_complete(prefix, length)
    style = rnd.randrange(3)
    if style == 1 and length == 16:
        number = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    elif style == 2 and length == 16:
        number = "-".join(number[i:i + 4] for i in range(0, 16, 4))
    add("payment_card", number)
for _ in range(20):
    number = luhn_complete(rnd.choice(["4", "51", "37"]), 16)
    bad = number[:-1] + str((int(number[-1]) + rnd.randrange(1, 10)) % 10)  # Luhn broken
    add("none", bad)
for _ in range(10):
    add("none", luhn_complete(rnd.choice(["9", "1", "7", "80"]), 16))  # Luhn-valid, no such issuer
for _ in range(10):
    add("none", str(rnd.randrange(1_600_000_000_000, 1_900_000_000_000)))  # epoch milliseconds

for _ in range(40):
    add("ipv4", ".".join(str(rnd.randrange(256)) for _ in range(4)))
for v in ["10.0.0.1", "192.168.1.254", "0.0.0.0", "255.255.255.255"]:
    add("ipv4", v)
for v in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.a", "v1.2.3.4", "1..2.3", "3.4.5.6.7.8",
          "12.34", "1.0"]:
    add("none", v)
for _ in range(30):
    groups = [f"{rnd.randrange(65536):x}" for _ in range(8)]
    add("ipv6", ":".join(groups))
for v in ["::1", "fe80::1", "2001:db8::ff00:42:8329", "::ffff:192.0.2.128", "2001:DB8:0:0:8:800:200C:417A"]:
    add("ipv6", v)
for v in ["12:30:45", "2001:db8:::1", "ab:cd", "1:2:3:4:5:6:7:8:9", "g::1", "urn:isbn:0451450523",
          "10:00", "ff:ff:ff:ff:ff:ff"]:
    add("none", v)


def nik(woman=False, day=None, month=None, year=None):
    province = rnd.choice([11, 12, 13, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 64, 65, 71, 73, 76, 82, 91, 94, 96])
    regency, district = rnd.randrange(1, 80), rnd.randrange(1, 40)
    year = rnd.randrange(100) if year is None else year
    month = rnd.randrange(1, 13) if month is None else month
    day = rnd.randrange(1, 29) if day is None else day
    return f"{province:02d}{regency:02d}{district:02d}{day + (40 if woman else 0):02d}{month:02d}{year:02d}{rnd.randrange(1, 10000):04d}"


for _ in range(40):
    add("nik", nik(woman=rnd.random() < 0.5))
add("nik", nik(day=29, month=2, year=96))
add("nik", nik(day=31, month=12, woman=True))
for v in [nik(day=32, month=1), nik(day=30, month=2), nik(day=29, month=2, year=97), nik(month=13),
          nik(month=0), "00" + nik()[2:], nik()[:12] + "0000", nik()[:15], nik() + "1"]:
    add("none", v)
for _ in range(10):
    add("none", "".join(rnd.choice("0123456789abcdef") for _ in range(32)))  # hashes, trace ids

for v in ["hello world", "OK", "GET /api/v1/orders", "checkout", "200", "true", "null", "Jl. Sudirman No. 5",
          "gateway-7d9f8c", "2026-11-24T10:00:00.000Z", "550e8400-e29b-41d4-a716-446655440000",
          "Bearer abc.def.ghi", "price 1500000", "id_ID", "Asia/Jakarta"]:
    add("none", v)

print("# label\tvalue  (generated by make_labelled_values.py; label none: no detector should fire)")
for label, value in rows:
    print(f"{label}\t{value}")
