"""Import files of other readers, written from each format's published description, with the
quirks real files have. Quotes are from 红楼梦's first chapter, some in Traditional characters
(as a Taiwanese edition would give them) to prove the anchoring forgives the difference."""

from __future__ import annotations

import json

FIRST = "列位看官：你道此书从何而来？"
SECOND_TRADITIONAL = "說起根由，雖近荒唐"  # the novel has 说起根由，虽近荒唐
SECOND = "说起根由，虽近荒唐"
THIRD = "细按则深有趣味"
MISSING = "这一句不在书里面的任何地方出现过"

KINDLE = (
    "\ufeff红楼梦 (曹雪芹)\r\n"
    "- Your Highlight on page 12 | Location 180-182 | Added on Monday, 3 June 2024 10:00:00\r\n"
    "\r\n"
    f"{FIRST}\r\n"
    "==========\r\n"
    "\ufeff紅樓夢 (曹雪芹)\r\n"
    "- 您在第 12 页（位置 #182-183）的标注 | 添加于 2024年6月3日星期一 下午10:00:00\r\n"
    "\r\n"
    f"{SECOND_TRADITIONAL}\r\n"
    "==========\r\n"
    "紅樓夢 (曹雪芹)\r\n"
    "- 您在位置 #183的笔记 | 添加于 2024年6月3日星期一 下午10:01:00\r\n"
    "\r\n"
    "荒唐言\r\n"
    "==========\r\n"
    "红楼梦 (曹雪芹)\r\n"
    "- Ihre Markierung auf Seite 13 | Position 184-185 | "
    "Hinzugefügt am Dienstag, 4. Juni 2024 09:30:00\r\n"
    "\r\n"
    f"{THIRD}\r\n"
    "==========\r\n"
    "红楼梦 (曹雪芹)\r\n"
    "- Votre surlignement sur la page 14 | emplacement 190-191 | "
    "Ajouté le mercredi 5 juin 2024 08:00:00\r\n"
    "\r\n"
    "<You have reached the clipping limit for this item>\r\n"
    "==========\r\n"
    "红楼梦 (曹雪芹)\r\n"
    "- Tu subrayado en la página 15 | posición 200-201 | "
    "Añadido el jueves, 6 de junio de 2024 07:00:00\r\n"
    "\r\n"
    f"{MISSING}\r\n"
    "==========\r\n"
    "红楼梦 (曹雪芹)\r\n"
    "- Your Bookmark on Location 300 | Added on Friday, 7 June 2024 10:00:00\r\n"
    "\r\n"
    "\r\n"
    "==========\r\n"
    "红楼梦 (曹雪芹)\r\n"  # Kindles repeat a highlight made twice
    "- Your Highlight on page 12 | Location 180-182 | Added on Monday, 3 June 2024 10:00:00\r\n"
    "\r\n"
    f"{FIRST}\r\n"
    "==========\r\n"
    "Faust (Goethe, Johann Wolfgang)\r\n"
    "- Highlight Loc. 1234-56  | Added on Monday, June 3, 2024, 10:00 PM\r\n"
    "\r\n"
    "Da steh ich nun, ich armer Tor!\r\n"
    "==========\r\n"
)

KOREADER_JSON = json.dumps(
    {
        "title": "紅樓夢",
        "author": "曹雪芹",
        "number_of_pages": 1752,
        "created_on": 1717400000,
        "version": "v2024.04",
        "entries": [
            {
                "page": 1,
                "time": 1717408800,
                "sort": "highlight",
                "text": FIRST,
                "note": "开篇",
                "chapter": "第一回",
                "drawer": "lighten",
                "color": "green",
            },
            {"page": 1, "time": 1717408900, "text": SECOND_TRADITIONAL, "drawer": "underscore"},
        ],
    },
    ensure_ascii=False,
)

KOREADER_LUA = r"""-- we can read Lua syntax here!
return {
    ["annotations"] = {
        [1] = {
            ["chapter"] = "第一回  甄士隐梦幻识通灵",
            ["color"] = "red",
            ["datetime"] = "2024-06-03 10:00:00",
            ["datetime_updated"] = "2024-06-04 11:00:00",
            ["drawer"] = "lighten",
            ["note"] = "第一句\n第二行 \"引号\" \u{4E2D}",
            ["page"] = "/body/DocFragment[2]/body/p[3]/text().0",
            ["pos0"] = "/body/DocFragment[2]/body/p[3]/text().0",
            ["pos1"] = "/body/DocFragment[2]/body/p[3]/text().14",
            ["text"] = "列位看官：你道此书从何而来？",
        },
        [2] = {
            ["datetime"] = "2024-06-03 10:05:00",
            ["pos0"] = "/body/DocFragment[2]/body/p[3]/text().33",
            ["pos1"] = "/body/DocFragment[2]/body/p[3]/text().42",
            ["text"] = [[說起根由，雖近荒唐]],
        },
        [3] = {
            ["datetime"] = "2024-06-03 10:06:00",
            ["page"] = 7,
        },
    },
    ["doc_pages"] = 1752,
    ["doc_props"] = {
        ["authors"] = "曹雪芹",
        ["identifiers"] = "urn:uuid:1234\nisbn:9787020002207",
        ["language"] = "zh",
        ["title"] = "红楼梦",
    },
    ["partial_md5_checksum"] = "5f3e0c6b1b2a9d7e8f00112233445566",
    ["percent_finished"] = 0.0123,
    ["summary"] = { ["status"] = "reading", },
}
"""

KOREADER_OLD_LUA = """return {
    ["bookmarks"] = {
        [1] = {
            ["highlighted"] = true,
            ["notes"] = "列位看官：你道此书从何而来？",
            ["page"] = "/body/DocFragment[2]/body/p[3]/text().0",
            ["pos0"] = "/body/DocFragment[2]/body/p[3]/text().0",
            ["text"] = "旧版的笔记",
        },
    },
    ["highlight"] = {
        [3] = {
            [1] = {
                ["chapter"] = "第一回",
                ["datetime"] = "2021-01-02 03:04:05",
                ["drawer"] = "lighten",
                ["pos0"] = "/body/DocFragment[2]/body/p[3]/text().0",
                ["pos1"] = "/body/DocFragment[2]/body/p[3]/text().14",
                ["text"] = "列位看官：你道此书从何而来？",
            },
        },
    },
    ["doc_props"] = { ["title"] = "红楼梦", ["authors"] = "曹雪芹" },
}
"""

CALIBRE = json.dumps(
    {
        "type": "calibre_annotation_collection",
        "version": 1,
        "annotations": [
            {
                "type": "highlight",
                "uuid": "9vJ1Xb3UQd2Sx0Z0nYfLfQ",
                "highlighted_text": FIRST,
                "notes": "calibre 的笔记",
                "start_cfi": "/2/4/2/6:0",
                "end_cfi": "/2/4/2/6:14",
                "spine_index": 1,
                "spine_name": "text/part0001.html",
                "style": {"kind": "color", "type": "builtin", "which": "purple"},
                "timestamp": "2024-06-03T10:00:00.123Z",
                "toc_family_titles": ["第一回"],
            },
            {
                "type": "highlight",
                "uuid": "removed-one",
                "removed": True,
                "timestamp": "2024-06-03T11:00:00.000Z",
            },
            {
                "type": "highlight",
                "uuid": "AAAAAAAAAAAAAAAAAAAAAA",
                "highlighted_text": SECOND_TRADITIONAL,
                "start_cfi": "/2/4/2/6:33",
                "end_cfi": "/2/4/2/6:42",
                "spine_index": 1,
                "style": {"kind": "decoration", "type": "builtin", "which": "wavy"},
                "timestamp": "2024-06-03T10:05:00.000Z",
            },
            {"type": "bookmark", "title": "书签", "pos": "epubcfi(/6/4!/4)", "pos_type": "epubcfi"},
        ],
    },
    ensure_ascii=False,
)

FOLIATE = json.dumps(
    {
        "annotations": [
            {
                "value": "epubcfi(/6/4!/4/2[c1]/6,/1:0,/1:14)",
                "color": "aqua",
                "text": FIRST,
                "note": "Foliate 的笔记",
                "created": "2024-06-03T10:00:00.000Z",
                "modified": "2024-06-04T10:00:00.000Z",
            },
            {
                "value": "epubcfi(/6/4!/4/2[c1]/6,/1:33,/1:42)",
                "color": "underline",
                "text": SECOND_TRADITIONAL,
            },
        ],
        "metadata": {
            "title": {"zh": "紅樓夢"},
            "author": [{"name": "曹雪芹"}, "高鹗"],
            "identifier": "urn:isbn:9787020002207",
            "language": "zh",
        },
    },
    ensure_ascii=False,
)


def hypothesis_row(identifier: str, exact: str, **extra: object) -> dict[str, object]:
    """One row of the Hypothesis API's search answer."""
    return {
        "id": identifier,
        "created": "2024-06-03T10:00:00.000000+00:00",
        "updated": "2024-06-03T10:00:00.000000+00:00",
        "user": "acct:reader@hypothes.is",
        "uri": "https://example.org/hongloumeng.html",
        "text": "",
        "tags": [],
        "group": "__world__",
        "document": {"title": ["红楼梦"]},
        "target": [
            {
                "source": "https://example.org/hongloumeng.html",
                "selector": [
                    {"type": "RangeSelector", "startContainer": "/p[3]", "startOffset": 0},
                    {"type": "TextPositionSelector", "start": 60, "end": 60 + len(exact)},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": "", "suffix": ""},
                ],
            }
        ],
        **extra,
    }


HYPOTHESIS = json.dumps(
    {
        "total": 4,
        "rows": [
            hypothesis_row("h1", THIRD, text="有意思", tags=["红楼", "开篇"]),
            hypothesis_row("h2-orphan", MISSING),
            hypothesis_row("h3-page-note", "", text="整页的笔记", target=[{"source": "x"}]),
            hypothesis_row("h4-reply", "", text="回复", references=["h1"], target=[]),
        ],
    },
    ensure_ascii=False,
)


def kindle_clipping(header: str, text: str, book: str = "红楼梦 (曹雪芹)") -> str:
    """One My Clippings entry, as a Kindle writes it."""
    return f"{book}\r\n- {header}\r\n\r\n{text}\r\n==========\r\n"


EXTENDED = "列位看官：你道此书从何而来？说起根由，虽近荒唐"
"""`FIRST`, extended on the Kindle to the next clause."""
KINDLE_REVISED = (
    kindle_clipping("Your Highlight on page 12 | Location 180-182 | Added on Monday, 3 June 2024 "
                    "10:00:00", FIRST)
    + kindle_clipping("Your Note on page 12 | Location 182 | Added on Monday, 3 June 2024 10:00:30",
                      "看官")
    + kindle_clipping("Your Highlight on page 12 | Location 180-183 | Added on Monday, 3 June 2024 "
                      "10:01:00", EXTENDED)
    + kindle_clipping("Your Highlight on page 12 | Location 184-185 | Added on Tuesday, 4 June "
                      "2024 09:30:00", THIRD)
    + kindle_clipping("Your Highlight on page 13 | Location 184-184 | Added on Tuesday, 4 June "
                      "2024 09:31:00", "细按则深")
)  # fmt: skip
"""A highlight extended (with a note on its first version), and one shortened."""
