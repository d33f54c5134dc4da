"""An article as a clerk gets it, made from a source's Article: text copied from a web page, a saved news page (with
navigation, a byline, a sidebar and a footer), a Word document (headings by style, or bold numbered paragraphs).
The import is tested on these made from real texts (tests/articles/) as well as on real files."""

from __future__ import annotations

import html
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from studyprint.model import Article, Block

CN_NUMBERS = "一二三四五六七八九十"



def texts(blocks: tuple[Block, ...]) -> list[str]:
    """Every text of the blocks, whatever their kind."""
    return [line for block in blocks for line in block.lines]

def heading_line(section, number: int, style: str = "1") -> str:
    """A section's heading as the article numbers it: "1 树立远大信念，做到…", "一、…", "（一）…", "第一条 …"."""
    text = section.heading + (f"，{section.subheading}" if section.subheading else "")
    cn = CN_NUMBERS[number - 1] if number <= 10 else f"十{CN_NUMBERS[number - 11]}"
    return {"1": f"{number} {text}", "一、": f"{cn}、{text}", "（一）": f"（{cn}）{text}",
            "第一条": f"第{cn}条 {text}"}[style]


def web_text(article: Article, style: str = "1") -> str:
    """The article as copied from its web page: navigation, title, author, affiliation, intro, numbered
    headings, paragraphs, the editor line, page words; a blank line between lines, as browsers copy."""
    lines = ["导航菜单", article.title]
    for author in article.authors:
        lines.append(author.name)
        if author.affiliation:
            lines.append(f"({author.affiliation},{author.address})" if author.address else f"({author.affiliation})")
    lines += texts(article.intro)
    for k, section in enumerate(article.sections, 1):
        lines.append(heading_line(section, k, style))
        lines += texts(section.blocks)
    if article.editor:
        lines.append(f"[责任编辑:{article.editor}]")
    lines += ["分享到：", "下载文本"]
    return "\n\n".join(lines) + "\n"


def web_page(article: Article, headings: str = "h2", charset: str = "utf-8") -> str:
    """The article's page as a browser saves it: a site header with navigation and search, breadcrumbs, the
    title, a byline with the date and source, the text (headings as <h2>, or as <p><strong>), the editor line,
    share buttons, a sidebar of other articles and a footer."""
    e = html.escape
    out = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}">',
           f"<title>{e(article.title)}--理论--人民网</title>",
           "<style>body{font-size:14px}</style><script>var a = '<p>不是正文</p>';</script></head><body>",
           '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/s">时政</a></li>'
           '<li><a href="/t">理论</a></li><li><a href="/d">党建</a></li><li><a href="/p">评论</a></li></ul>',
           '<form class="search"><input name="q"><button>搜索</button></form></div>',
           '<div class="crumbs"><a href="/">人民网</a> &gt;&gt; <a href="/t">理论</a> &gt;&gt; 正文</div>',
           '<div class="w1000"><div class="col-left"><div class="article">', f"<h1>{e(article.title)}</h1>"]
    for author in article.authors:
        out.append(f'<p class="author">{e(author.name)}</p>')
        if author.affiliation:
            place = f"，{author.address}" if author.address else ""
            out.append(f'<p class="unit">（{e(author.affiliation)}{e(place)}）</p>')
    out.append('<div class="box01"><div class="fl">2015年06月18日08:32  来源：<a href="/">人民网-理论频道</a></div>'
               '<div class="fr">分享到：<a>微信</a><a>微博</a></div></div>')
    out.append('<div class="rm_txt_con" id="rwb_zw">')
    out += [f"<p>\u3000\u3000{e(p)}</p>" for p in texts(article.intro)]
    for k, section in enumerate(article.sections, 1):
        title = e(heading_line(section, k, "一、"))
        out.append(f"<h2>{title}</h2>" if headings == "h2" else f"<p><strong>{title}</strong></p>")
        out += [f"<p>\u3000\u3000{e(p)}</p>" for p in texts(section.blocks)]
    out.append("</div>")
    if article.editor:
        out.append(f'<div class="edit">(责任编辑：{e(article.editor)})</div>')
    out += ['<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div></div></div>',
            '<div class="col-right"><h3>热点推荐</h3><ul>',
            *[f'<li><a href="/n{k}">习近平回信勉励第{k}批优秀青年代表扎根基层</a></li>' for k in range(1, 9)],
            "</ul><h3>图片新闻</h3><ul><li><a>美丽乡村</a></li><li><a>夏日荷花</a></li></ul></div></div>",
            '<div class="footer"><p><a>人民日报社概况</a> | <a>关于人民网</a> | <a>报社招聘</a> | <a>招聘英才</a></p>',
            "<p>人民网版权所有，未经书面授权禁止使用</p>",
            "<p>Copyright © 1997-2024 by www.people.com.cn. all rights reserved</p></div></body></html>"]
    return "\n".join(out)


def word_document(article: Article, path: Path, headings: str = "style") -> Path:
    """The article as a Word document: the title in Word's Title style (or centred bold), the author and
    affiliation centred, headings in Heading 1 (or bold paragraphs numbered 一、), paragraphs; the editor
    line last."""
    document = docx.Document()
    if headings == "style":
        document.add_paragraph(article.title, style="Title")
    else:
        title = document.add_paragraph()
        title.add_run(article.title).bold = True
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for author in article.authors:
        document.add_paragraph(author.name).alignment = WD_ALIGN_PARAGRAPH.CENTER
        if author.affiliation:
            place = f"，{author.address}" if author.address else ""
            document.add_paragraph(f"（{author.affiliation}{place}）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in texts(article.intro):
        document.add_paragraph(paragraph)
    for k, section in enumerate(article.sections, 1):
        if headings == "style":
            document.add_heading(heading_line(section, k, "一、"), level=1)
        else:
            document.add_paragraph().add_run(heading_line(section, k, "一、")).bold = True
        for paragraph in texts(section.blocks):
            document.add_paragraph(paragraph)
    if article.editor:
        document.add_paragraph(f"（责任编辑：{article.editor}）")
    document.save(str(path))
    return path
