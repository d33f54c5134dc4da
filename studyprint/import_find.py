"""Finding an article's parts in the blocks read from its input (`import_read`): the title, subtitle, authors,
date, intro, sections with their points, lists, quotes and signature, and the editor; dropping navigation and
page words. Every decision made on a hunch rather than on the input's markup carries the reason as its guess,
which the source gets as a comment for the clerk to check.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from . import fonts
from .import_read import LONG, Block, Input
from .punctuation import fix_text

HEADING_MAX = 40  # characters: a longer line is a paragraph, whatever its numbering
SHORT_HEADING_MAX = 20  # an unnumbered, unmarked line taken for a heading is at most this long
SIGNATURE_MAX = 30  # characters of one signature line (a unit's name, a date)
SIGNATURE_LINES = 3
TITLE_MIN = 6  # characters: navigation words before a title ("导航菜单", "理论频道") are shorter
SENTENCE_MIN = 10  # characters: a shorter line ending in '。' is no sentence of the article's (a caption, a label)
SUBHEADING_SPLIT_MAX = 15  # "principle，practice": the principle is at most this long

CN = "零〇一二三四五六七八九十百两"
CN_VALUES = {ch: v for v, chars in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"))
             for ch in chars}
# (style, pattern): the numbering at the start of a heading or point, in GB/T 9704's order and the others seen
NUMBERINGS = [
    ("第一条", re.compile(rf"第\s*([{CN}\d]+)\s*([条章节部分篇讲])\s*")),
    ("一、", re.compile(rf"([{CN}]+)\s*[、．.]\s*")),
    ("（一）", re.compile(rf"[（(]\s*([{CN}]+)\s*[）)]\s*")),
    ("1.1", re.compile(r"(\d{1,2}(?:\.\d{1,2})+)\.?\s*")),
    ("1、", re.compile(r"(\d{1,2})\s*、\s*")),
    ("1.", re.compile(r"(\d{1,2})\s*[.．](?!\d)\s*")),
    ("（1）", re.compile(r"[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("1", re.compile(r"(\d{1,2})[ \u3000]+")),
    ("①", re.compile(r"([\u2460-\u2473])\s*")),
]
SENTENCE_END = re.compile(r"[。！？；!?;]")
DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
EDITOR = re.compile(r"^[\[【（(［〔]?\s*(?:责任编辑|责编|编辑)\s*[:：]\s*(?P<name>[^\]】）)］〕]+?)\s*[\]】）)］〕]?$")
# labels of a news page's byline ("2024-06-18 08:32 来源：人民网 作者：李先波 编辑：邓丽丽")
META_LABEL = re.compile(r"(作者|来源|出处|发布时间|发布日期|时间|日期|责任编辑|责编|编辑|浏览(?:次数)?|点击(?:数|量)?|"
                        r"阅读(?:数|量|次数)?|字号)\s*[:：]\s*")
# The common surnames (of 百家姓 and the census's most frequent): an author's name starts with one of them, a
# word of the page ("目录", "正文") seldom does.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
            "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
            "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
            "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
            "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
            "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
            "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙",
                     "宇文", "司徒", "夏侯", "轩辕", "端木", "西门", "南宫", "独孤", "澹台", "万俟", "闻人",
                     "呼延", "赫连", "拓跋")
NAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])[\u4e00-\u9fff]{{1,3}}(?:[·•][\u4e00-\u9fff]{{1,6}})?"
MARKER = r"[\d¹²³⁴⁵⁶⁷⁸⁹*]*"
NAMES = re.compile(rf"^{NAME}{MARKER}(?:[\s、，,；;]+{NAME}{MARKER})*$")
AUTHOR_PREFIX = re.compile(r"^(?:作者|撰文|文|本报记者|本报通讯员|记者|通讯员)\s*[:：/／|｜]?\s*")
AFFILIATION_LABEL = re.compile(r"^(?:作者)?单位\s*[:：]\s*")
BRACKETED = re.compile(r"^[（(](.+)[）)]$")
POSTCODE = re.compile(r"\d{6}")
UNIT = re.compile(r"[院校学局委会司厂所部处室站队中心馆社办组厅署团]")
KEYWORDS = re.compile(r"^(?:关键词|关键字|key\s*words)\s*[:：]\s*(.+)$", re.I)
ABSTRACT = re.compile(r"^(?:摘\s*要|内容提要|提要|内容摘要|编者按)\s*[:：]")
PAPER_DATA = re.compile(r"^(?:中图分类号|文献标识码|文章编号|DOI|收稿日期|基金项目|作者简介)\s*[:：]", re.I)
SUBTITLE = re.compile(r"^(?:——|—|--)\s*\S")
# Whole lines that belong to the page, not the article
PAGE_WORDS = re.compile(
    r"^(?:导航(?:菜单|栏)?|目录|首页|网站首页|返回(?:首页|顶部|列表|上页)?|打印(?:本页|文章|此文)?|关闭(?:窗口|本页)?|"
    r"下载(?:文本|全文|PDF)?|分享(?:到)?(?:[:：].*)?|收藏(?:本文)?|复制链接|【?字[体号][:：].*|扫一扫.*|微信|微博|"
    r"QQ空间|手机(?:版|看)|客户端|登录|注册|搜索|评论\d*|点赞|【?纠错】?|(?:当前|您(?:现在)?的)位置\s*[:：].*|"
    r"来源\s*[:：].*|关键[词字]|[\w ]{1,12}(?:(?:>>?|›|»)[\w ]{1,12}){2,})$", re.I)
# A line where the article has ended and the page's lists of other articles begin
END_WORDS = re.compile(r"^(?:相关(?:新闻|阅读|文章|链接|推荐)|推荐阅读|延伸阅读|上一篇|下一篇|热点推荐|热门文章|"
                       r"精彩推荐|版权(?:声明|所有)|copyright|©)", re.I)


@dataclass(frozen=True)
class Found:
    """A value found in the input: its text, the number of its block, and why it is a guess (None: it is not)."""
    value: str
    number: int
    guess: str | None = None


@dataclass(frozen=True)
class Entry:
    """One entry of a section's (or the intro's) paragraphs."""
    kind: str  # "paragraph", or the key of a rich entry: "point", "quote", "signature", "list", "numbered"
    texts: tuple[str, ...]  # one text; a list's items
    number: int
    guess: str | None = None


@dataclass
class Author:
    name: Found
    affiliation: Found | None = None
    address: str | None = None


@dataclass
class Section:
    heading: Found
    subheading: str | None = None
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Draft:
    """What was found: the parts of the source, and what was left out (number, text, why)."""
    title: Found
    authors: list[Author]
    sections: list[Section]
    sections_guess: str | None = None
    subtitle: Found | None = None
    date: Found | None = None
    keywords: Found | None = None
    intro: list[Entry] = field(default_factory=list)
    editor: Found | None = None
    dropped: list[tuple[int, str, str]] = field(default_factory=list)


def clean(text: str) -> str:
    """A text as a source should have it: characters the fonts lack in the form they have when it is the same
    character (NFKC), punctuation fixed by the lint's rules."""
    for _, ch in fonts.missing(text):
        form = fonts.standard_form(ch)
        if form and form[1]:
            text = text.replace(ch, form[0])
    return fix_text(text)


def find(source: Input) -> Draft:
    """The article's parts in the blocks of its input."""
    dropped: list[tuple[int, str, str]] = []
    blocks, editor = _cut_end(source.blocks, dropped)
    start = _title_index(blocks, source)
    dropped.extend((b.number, b.text, "before the title: navigation") for b in blocks[:start])
    head, body = _split_header(blocks[start:])
    draft = _read_header(head, source, dropped)
    draft.editor = editor or draft.editor
    _read_body(_body_blocks(body, head[0].text, dropped), draft, source)
    draft.dropped = sorted(dropped, key=lambda d: d[0])
    return draft


# ---- the end of the article ---------------------------------------------------------------------------------

def _cut_end(blocks: list[Block], dropped: list) -> tuple[list[Block], Found | None]:
    """The blocks up to where the page takes over after the article: the editor line, or a list of other articles
    or the copyright with no heading after it; and the editor's name. Of a web page, what lies after the main
    text is the page's."""
    last_main = max((k for k, b in enumerate(blocks) if not b.outside), default=len(blocks) - 1)
    headings = [k for k, b in enumerate(blocks) if b.heading or _heading_numbering(_unmarked(b.text))]
    for k, b in enumerate(blocks):
        editor = EDITOR.match(b.text)
        ends = END_WORDS.match(b.text) and not any(h > k for h in headings)
        if k > 0 and (editor or ends or k > last_main):
            found = Found(clean(editor.group("name")), b.number) if editor else None
            rest = blocks[k + 1:] if editor else blocks[k:]
            for r in rest:
                match = EDITOR.match(r.text)
                if match and found is None:
                    found = Found(clean(match.group("name")), r.number)
                else:
                    dropped.append((r.number, r.text, "after the article: page words"))
            return blocks[:k], found
    return blocks, None


# ---- the title block ----------------------------------------------------------------------------------------

def _title_index(blocks: list[Block], source: Input) -> int:
    """Where the title is. A Word document's first paragraph. Else the markup's (a Title style, else the last
    <h1> before the text), else the line right above the byline (author, unit or date), else the first line of
    some length: navigation words come first and are short."""
    if source.kind == "Word document":
        return 0
    text_start = next((k for k, b in enumerate(blocks) if not b.outside and len(b.text) >= LONG), len(blocks))
    for level in (0, 1):
        marked = [k for k, b in enumerate(blocks[:text_start]) if b.heading == level]
        if marked:
            return marked[-1]
    if source.title:
        for k in range(text_start - 1, -1, -1):
            if blocks[k].text == source.title:
                return k
    kinds = [_header_kind(b) for b in blocks[:text_start]]
    anchor = next((k for k, kind in enumerate(kinds) if kind in ("author", "affiliation", "meta", "body")),
                  len(kinds))
    others = [k for k in range(anchor) if kinds[k] == "other"]
    if others and anchor < len(kinds) and kinds[anchor] != "body":
        if kinds[anchor] == "affiliation" and others[-1] == anchor - 1 and len(others) > 1:
            return others[-2]  # title, author (of any shape), then the author's unit in brackets
        return others[-1]
    return next((k for k in others if len(blocks[k].text.replace(" ", "")) >= TITLE_MIN), others[0] if others else 0)


def _header_kind(block: Block) -> str:
    """What a line of the title block is: "nav", "meta" (date, source), "author", "affiliation", "keywords",
    "abstract", "paper" (a journal's filing data), "subtitle", "body" (the text has begun) or "other"."""
    text = block.text
    if _heading_numbering(text) or (block.heading or 0) > 1:
        return "body"
    if PAGE_WORDS.match(text):
        return "nav"
    if KEYWORDS.match(text):
        return "keywords"
    if ABSTRACT.match(text):
        return "abstract"
    if PAPER_DATA.match(text):
        return "paper"
    if _meta(text):
        return "meta"
    if _affiliation_text(text):
        return "affiliation"
    if AUTHOR_PREFIX.match(text) and NAMES.match(AUTHOR_PREFIX.sub("", text)) or NAMES.match(text):
        return "author"
    if SUBTITLE.match(text) or block.role == "subtitle":
        return "subtitle"
    if len(text) >= LONG or SENTENCE_END.search(text[:-1]):
        return "body"
    return "other"


def _split_header(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """The title block (the title and what belongs with it) and the body: the body starts at the first line of
    text, numbered heading or marked heading after the title (of a web page: in its main text)."""
    for k, b in enumerate(blocks[1:], 1):
        if (not b.outside or b.heading) and _header_kind(b) == "body":
            return blocks[:k], blocks[k:]
    return blocks, []


def _read_header(head: list[Block], source: Input, dropped: list) -> Draft:
    title_block = head[0]
    title_guess = None if title_block.heading in (0, 1) or title_block.text == source.title else (
        "the first line of the document" if source.kind == "Word document"
        else "the line above the byline and the text; what came before it was taken for navigation")
    draft = Draft(Found(clean(_unmarked(title_block.text)), title_block.number,
                        title_guess and f"guessed: {title_guess} ({source.unit} {title_block.number})"), [], [])
    affiliations: list[Found] = []
    kinds = [_header_kind(b) for b in head]
    for k, b in enumerate(head[1:], 1):
        kind = kinds[k]
        if kind == "author":
            _add_authors(draft, b, source, labelled=bool(AUTHOR_PREFIX.match(b.text)))
        elif kind == "other" and not draft.authors and kinds[k + 1:k + 2] == ["affiliation"] and not b.outside:
            draft.authors.append(Author(Found(clean(b.text), b.number, f"guessed: the line above the unit in "
                                                                      f"brackets looked like the author "
                                                                      f"({source.unit} {b.number})")))
        elif kind == "affiliation":
            affiliations.append(Found(_affiliation_text(b.text) or "", b.number))
        elif kind == "meta":
            _read_meta(draft, b, source, dropped)
        elif kind == "keywords":
            words = re.split(r"[；;，,、\s]+", KEYWORDS.match(b.text).group(1).strip())
            draft.keywords = Found(clean("，".join(w for w in words if w)), b.number)
        elif kind == "subtitle" and draft.subtitle is None and not draft.authors:
            draft.subtitle = Found(clean(_unmarked(b.text)), b.number)
        elif b.outside or kind in ("nav", "paper"):
            why = "a journal's filing data" if kind == "paper" else "navigation" if kind == "nav" else \
                "outside the main text"
            dropped.append((b.number, b.text, why))
        elif kind == "other" and draft.subtitle is None and not draft.authors:
            draft.subtitle = Found(clean(_unmarked(b.text)), b.number,
                                   f"guessed: the short line under the title ({source.unit} {b.number})")
        else:
            draft.intro.append(_paragraph(b, source.unit))
    _assign_affiliations(draft, affiliations, source)
    if not draft.authors:
        draft.authors.append(Author(Found("未署名", title_block.number,
                                          "guessed: no author line found; put the author's name here")))
    return draft


def _add_authors(draft: Draft, block: Block, source: Input, labelled: bool) -> None:
    names = re.split(r"[\s、，,；;]+", AUTHOR_PREFIX.sub("", block.text).strip())
    for name in names:
        guess = None if labelled else \
            f"guessed: the line after the title looked like the author ({source.unit} {block.number})"
        draft.authors.append(Author(Found(re.sub(f"{MARKER}$", "", name), block.number, guess)))


def _affiliation_text(text: str) -> str | None:
    """The affiliation line's content: "(unit, place postcode)" or "单位：unit", else None."""
    if AFFILIATION_LABEL.match(text):
        return AFFILIATION_LABEL.sub("", text)
    bracketed = BRACKETED.match(text)
    if bracketed and len(text) < 2 * LONG and (POSTCODE.search(text) or UNIT.search(text)) \
            and not re.search(r"[。！？!?]", text):
        return bracketed.group(1)
    return None


def _assign_affiliations(draft: Draft, affiliations: list[Found], source: Input) -> None:
    """Each author's affiliation and address: "unit, place postcode" split at the comma before the address;
    several units ("1.A；2.B") go to the authors in order, one unit to all of them."""
    parts = [(re.sub(r"^\d+\s*[.．、]\s*", "", p.strip()), f.number)
             for f in affiliations for p in re.split(r"[；;]", f.value) if p.strip()]
    if not parts or not draft.authors:
        return
    shared = len(parts) == 1 and len(draft.authors) > 1
    for k, author in enumerate(draft.authors):
        text, number = parts[min(k, len(parts) - 1)]
        unit, address = text, None
        postcode = POSTCODE.search(text)
        comma = max(text.rfind(","), text.rfind("，"))
        if postcode and comma > 0:
            unit, address = text[:comma].strip(), text[comma + 1:].strip()
        guess = f"guessed: one unit for all the authors ({source.unit} {number})" if shared else None
        author.affiliation = Found(clean(unit), number, guess)
        author.address = address


def _meta(text: str) -> dict[str, str] | None:
    """A byline of labels and a date ("2024-06-18 08:32 来源：人民网 作者：李先波"), as {label: value}; the date
    under "date". None if the line is anything else."""
    if len(text) > 80 or SENTENCE_END.search(text):
        return None
    labels = list(META_LABEL.finditer(text))
    date = DATE.search(text)
    if not labels and not (date and len(re.sub(r"[\d\s:年月日./-]", "", text)) == 0):
        return None
    found = {}
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        found[m.group(1)] = text[m.end():end].strip()
    if date:
        found["date"] = date.group(0)
    return found


def _read_meta(draft: Draft, block: Block, source: Input, dropped: list) -> None:
    meta = _meta(block.text) or {}
    names = meta.get("作者", "")
    if names and NAMES.match(names):
        _add_authors(draft, replace(block, text=names), source, labelled=True)
    editor = meta.get("责任编辑") or meta.get("责编") or meta.get("编辑")
    if editor:
        draft.editor = Found(clean(editor), block.number)
    day = _date(meta.get("date", ""))
    if day and draft.date is None:
        draft.date = Found(day, block.number, f"guessed: the page's date ({source.unit} {block.number})")
    dropped.append((block.number, block.text, "the page's byline (date, source)"))


def _date(text: str) -> str | None:
    match = DATE.search(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


# ---- the body -----------------------------------------------------------------------------------------------

def _body_blocks(body: list[Block], title: str, dropped: list) -> list[Block]:
    """The body less the page's words between its paragraphs, the title repeated and a table of contents (lines
    repeated later as headings). Of a web page, what the extraction library left out of the main text is dropped
    too, except headings and sentences: readability drops link-rich lists and short notes from documentation,
    while the page words it drops from an article (share bars, related links, captions) are seldom sentences."""
    last_heading = {_key(b.text): k for k, b in enumerate(body) if b.heading or _heading_numbering(_unmarked(b.text))}
    kept = []
    for k, b in enumerate(body):
        if PAGE_WORDS.match(b.text):
            dropped.append((b.number, b.text, "page words"))
        elif last_heading.get(_key(b.text), -1) > k:
            dropped.append((b.number, b.text, "a table of contents"))
        elif _key(b.text) == _key(title):
            dropped.append((b.number, b.text, "the title again"))
        elif b.outside and not b.heading and not (len(b.text) >= SENTENCE_MIN and SENTENCE_END.search(b.text)):
            dropped.append((b.number, b.text, "left out of the main text by the extraction library"))
        else:
            kept.append(b)
    return kept


def _heading_numbering(text: str) -> tuple[str, int | None, str] | None:
    """(numbering style, its number, the rest) of a line that starts with a heading's numbering and is short
    enough for a heading ("1 树立远大信念，做到…", "（一）坚持党的领导。"), else None."""
    for style, pattern in NUMBERINGS:
        match = pattern.match(text)
        if match:
            rest = text[match.end():]
            if not rest or len(rest) > HEADING_MAX or SENTENCE_END.search(rest[:-1]) or rest[0] in "，,、。.）)％%" \
                    or rest[-1] in "，,、；;":  # a clause that goes on is no heading
                return None
            if style == "第一条":
                return f"第{match.group(2)}", _number(match.group(1)), rest
            if style == "1.1":
                return f"1.1 (depth {match.group(1).count('.') + 1})", None, rest
            return style, _number(match.group(1)), rest
    return None


def _number(text: str) -> int:
    """The value of "12", "十二", "二十三" or "③"."""
    if text.isdigit() and text.isascii():
        return int(text)
    if "\u2460" <= text <= "\u2473":
        return ord(text) - 0x2460 + 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_VALUES.get(tens, 1) * 10 + CN_VALUES.get(ones, 0)
    return CN_VALUES.get(text[-1:], 0)


def _candidate(blocks: list[Block], k: int) -> tuple[tuple, int | None] | None:
    """(kind of heading, its number) if block k looks like a heading: one of the markup's (Heading 2, <h3>), a
    numbered line, a short bold line, or a short line alone before a paragraph; else None."""
    block = blocks[k]
    text = _unmarked(block.text)
    if block.heading:
        return ("markup", block.heading), None
    numbered = _heading_numbering(text)
    if numbered:
        return ("numbered", numbered[0]), numbered[1]
    if block.bold and len(text) <= HEADING_MAX and not SENTENCE_END.search(text[:-1]):
        return ("bold",), None
    following = blocks[k + 1].text if k + 1 < len(blocks) else ""
    if block.role is None and len(text) <= SHORT_HEADING_MAX and len(following) >= LONG \
            and not re.search(r"[。！？；：，、…“”‘’\"!?;:,]", text):
        return ("short",), None
    return None


def _headings(blocks: list[Block]) -> tuple[dict[int, tuple], tuple | None]:
    """The blocks that are headings, with their kind, and the kind that makes sections. A numbered heading
    continues its kind's count or starts it again at 1 ("5 天后，…" after "3 …" is text). Sections are the
    markup's highest headings, else the first kind of numbering, else short bold lines, else short lines
    before paragraphs (if there are two or more)."""
    found: dict[int, tuple] = {}
    last: dict[tuple, int] = {}
    for k in range(len(blocks)):
        candidate = _candidate(blocks, k)
        if candidate is None:
            continue
        kind, number = candidate
        if number is None or number == 1 or number == last.get(kind, 0) + 1:
            found[k] = kind
            if number is not None:
                last[kind] = number
    kinds = list(dict.fromkeys(found.values()))
    markup = sorted(k for k in kinds if k[0] == "markup")
    numbered = [k for k in kinds if k[0] == "numbered"]
    if markup:
        return found, markup[0]
    if numbered:
        return found, numbered[0]
    for kind in (("bold",), ("short",)):
        if sum(1 for v in found.values() if v == kind) >= 2:
            return found, kind
    return found, None


def _signature(blocks: list[Block], headings: dict[int, tuple]) -> range:
    """The closing lines that sign the article (a unit, a name, a date): right-aligned ones, or up to three
    short lines ending with a date, or one attribution line "——…". An empty range if there are none."""
    start = len(blocks)
    while start > 0 and len(blocks) - start < SIGNATURE_LINES:
        b = blocks[start - 1]
        if start - 1 in headings or b.role in ("bullet", "numbered", "quote") or len(_unmarked(b.text)) > \
                SIGNATURE_MAX or SENTENCE_END.search(b.text):
            break
        start -= 1
    lines = blocks[start:]
    if lines and (all(b.role == "right" for b in lines) or DATE.search(lines[-1].text)):
        return range(start, len(blocks))
    if lines and SUBTITLE.match(lines[-1].text):
        return range(len(blocks) - 1, len(blocks))
    return range(0)


def _read_body(blocks: list[Block], draft: Draft, source: Input) -> None:
    """The intro, the sections and their entries; the date of the signature if the page gave none."""
    headings, top = _headings(blocks)
    signature = _signature(blocks, headings)
    section: Section | None = None
    for k, b in enumerate(blocks):
        kind = headings.get(k)
        entries = section.entries if section else draft.intro
        if kind is not None and kind == top:
            section = _section(b, source)
            draft.sections.append(section)
        elif k in signature:
            guess = None if b.role == "right" else \
                f"guessed: the closing lines look like a signature ({source.unit}s {_span(blocks, signature)})"
            entries.append(Entry("signature", (clean(_unmarked(b.text)),), b.number,
                                 guess if k == signature.start else None))
            day = _date(b.text)
            if day and draft.date is None:
                draft.date = Found(day, b.number, f"guessed: the date of the signature ({source.unit} {b.number})")
        elif kind is not None and kind[0] != "short" and section is not None:  # a short line is no sub-heading
            how = {"numbered": "a short numbered line", "bold": "a short bold line",
                   "markup": "a lower heading"}[kind[0]]
            guess = None if kind[0] == "markup" else \
                f"guessed: {how}, taken for a sub-heading ({source.unit} {b.number})"
            entries.append(Entry("point", (clean(_unmarked(b.text)),), b.number, guess))
        elif b.role in ("bullet", "numbered"):
            _add_item(entries, "list" if b.role == "bullet" else "numbered", b)
        elif b.role == "quote":
            entries.append(Entry("quote", (clean(b.text),), b.number))
        else:
            entries.append(_paragraph(b, source.unit))
    draft.sections_guess = _sections_guess(top, [s.heading.number for s in draft.sections], source)
    _fold_empty_sections(draft)


def _section(block: Block, source: Input) -> Section:
    """A section from its heading: the numbering goes (the handout numbers the sections), and a heading of the
    shape "principle，practice" is split at its first '，' into heading and subheading."""
    text = _unmarked(block.text)
    for _, pattern in NUMBERINGS:
        match = pattern.match(text)
        if match and text[match.end():]:
            text = text[match.end():]
            break
    text = clean(text)
    principle, comma, practice = text.partition("，")
    if comma and 2 <= len(principle) <= SUBHEADING_SPLIT_MAX and len(practice) >= 2 and len(text) <= HEADING_MAX \
            and not SENTENCE_END.search(text):
        guess = f"guessed: split at the first '，' into heading and subheading ({source.unit} {block.number})"
        return Section(Found(principle, block.number, guess), practice)
    return Section(Found(text, block.number))


def _sections_guess(top: tuple | None, numbers: list[int], source: Input) -> str | None:
    where = f"{source.unit}s {', '.join(map(str, numbers[:8]))}{', …' if len(numbers) > 8 else ''}"
    if top is None:
        return "guessed: no headings found, so the text is one section under the title"
    if top[0] == "markup":
        return None
    what = {"numbered": f"the lines numbered '{top[-1]}'", "bold": "the short bold lines",
            "short": "the short lines before paragraphs"}[top[0]]
    return f"guessed: the sections begin at {what} ({where})"


def _fold_empty_sections(draft: Draft) -> None:
    """A heading with no text under it (a table of contents, a heading followed by another) stays as a paragraph
    of what comes before it; with no section left, the text is one section under the title."""
    kept: list[Section] = []
    for section in draft.sections:
        if section.entries:
            kept.append(section)
            continue
        text = section.heading.value + (f"，{section.subheading}" if section.subheading else "")
        entries = kept[-1].entries if kept else draft.intro
        entries.append(Entry("paragraph", (text,), section.heading.number,
                             f"guessed: a heading with no text under it, kept as a paragraph "
                             f"(line {section.heading.number})"))
    if not kept:
        kept = [Section(replace(draft.title, guess=None), entries=draft.intro)]
        draft.intro = []
    draft.sections = kept


def _add_item(entries: list[Entry], kind: str, block: Block) -> None:
    """A list item: added to the list just before it, or the start of a new list."""
    text = clean(block.text)
    if entries and entries[-1].kind == kind:
        entries[-1] = replace(entries[-1], texts=entries[-1].texts + (text,))
    else:
        entries.append(Entry(kind, (text,), block.number))


def _paragraph(block: Block, unit: str) -> Entry:
    text = f"**{block.text}**" if block.bold else block.text
    guess = f"guessed: the extraction library left this out of the main text; it reads as the article's ({unit} " \
            f"{block.number})" if block.outside else None
    return Entry("paragraph", (clean(text),), block.number, guess)


def _key(text: str) -> str:
    """A text as compared with another: without marks, spaces and numbering's dots."""
    return re.sub(r"[\s*.．]+", "", text)


def _unmarked(text: str) -> str:
    """A text without its ** marks (a heading is bold anyway)."""
    return text.replace("**", "")


def _span(blocks: list[Block], lines: range) -> str:
    first, last = blocks[lines.start].number, blocks[lines.stop - 1].number
    return str(first) if first == last else f"{first}-{last}"
