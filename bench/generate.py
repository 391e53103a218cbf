"""Generate a deterministic synthetic corpus of Hexo posts shaped like the scraped feeds (see DATA.md).

Usage: ``python bench/generate.py N OUT_DIR [--seed S]``; posts land in
``OUT_DIR/<category>/<source>/<feed>/``.
Text is drawn from the fixed word lists below with Zipf-like weights (earlier words are more frequent), so
search benchmarks can query words that really occur: ``TOPICS["finance"][0]`` is common, ``[-1]`` is rare.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache
from itertools import accumulate
from pathlib import Path
from string import Template

COMMON = tuple(
    """
    目前 今年 去年 近日 此前 同时 此外 不过 因此 但是 已经 进一步 持续 相关 方面 表示 认为
    介绍 显示 数据 情况 影响 发展 提升 推动 加快 支持 建设 服务 企业 行业 市场 部门 负责人
    记者 公司 项目 地区 全国 国内 国际 重要 主要 明显 稳定 积极 有效 进行 实现 完成 提供
    通过 根据 计划 预计 用户 平台 技术 产品 需求 质量 成本 规模 能力 标准 机制 合作 创新
    管理 工作 问题 措施 政策 经济 社会 消费 价格 生活 城市 农村 时间 未来 历史 研究 专家
    人员 群众 家庭 孩子 学生 学校 医院 环境 安全
    """.split()
)
FILLERS = tuple("的 了 在 和 是 也 将 对 与 从 为 等 都 就 还 把 被 让 并 而".split())
IDIOMS = tuple(
    """
    稳中向好 因地制宜 与时俱进 有条不紊 迫在眉睫 众所周知 层出不穷 循序渐进 脱颖而出 如火如荼
    一目了然 供不应求 全力以赴 精益求精 千方百计 日新月异 息息相关 不可或缺 显而易见 举足轻重
    相辅相成 源源不断 名列前茅 前所未有
    """.split()
)
TOPICS = {
    "finance": tuple(
        """
        股市 基金 银行 利率 央行 融资 上市 净利润 营业收入 同比增长 环比下降 资本市场 货币政策
        房地产 保险 券商 估值 板块 指数 沪指 创业板 北向资金 成交额 社会保障 养老保险 就业 外资
        出口 制造业 A股 港股 美股 GDP CPI PMI 降准 通胀 流动性 债券 汇率 信贷 理财 基金经理
        营收 董事会 股东 分红 数字经济 乡村振兴 碳达峰 产业链 财政政策
        """.split()
    ),
    "tech": tuple(
        """
        手机 芯片 处理器 屏幕 电池 快充 系统 更新 版本 应用 软件 硬件 操作系统 人工智能 云计算
        数据中心 5G iPhone13 M1 Python Android iOS Windows Linux App AI 显卡 内存 摄像头 像素
        续航 发布会 开发者 开源 漏洞 隐私 算法 服务器 自动驾驶 电动车 新能源 固态硬盘 折叠屏
        鸿蒙 路由器 蓝牙 耳机 平板 笔记本 智能手表
        """.split()
    ),
    "game": tuple(
        """
        游戏 玩家 主机 发售 预告 角色 剧情 画面 开放世界 独立游戏 手游 电竞 赛季 存档 关卡 动作
        冒险 角色扮演 Steam Switch PS5 Xbox DLC 评分 销量 制作人 工作室 试玩 模组 联机 副本
        皮肤 抽卡 首发 续作 重制版 体验版
        """.split()
    ),
    "crypto": tuple(
        """
        比特币 以太坊 区块链 合约 交易所 钱包 链上 挖矿 算力 稳定币 爆仓 多单 空单 期权 代币
        NFT DeFi BTC ETH USDT 矿工 质押 跨链 监管 地址 转账 市值 公链 主网 空投 巨鲸 杠杆
        """.split()
    ),
    "life": tuple(
        """
        其实 可能 感觉 知道 经验 答案 朋友 工作 学习 科学 温度 物理 化学 身体 健康 心理
        旅行 电影 音乐 读书 程序员 代码 编程 数学 宇宙 动物 植物 食物 睡眠 记忆 语言 文化 父母
        大学 考试 面试 租房 做饭 咖啡 猫咪
        """.split()
    ),
    "anime": tuple(
        """
        动画 番剧 声优 漫画 原作 放送 剧场版 角色 主题曲 制作组 新番 轻小说 作画 分镜 监督 续篇
        完结 周边 手办 同人 二次元 弹幕 追番 季度 名场面
        """.split()
    ),
}
ENGLISH = tuple(
    """
    the of and to a in that is it for you with as they was on are be this have but not what people
    when startup founders work make good idea ideas problem write writing essay think users product
    company money ambition curious earnest patient time years early hard easy world young learn
    design software Python programming language code hackers investors growth taste wealth cities
    schools books questions answers
    """.split()
)
JAPANESE = tuple(
    """
    今日は とても 楽しかった ありがとう 新しい 作品 アニメ 放送 開始 よろしく お願いします 写真
    雨 晴れ コーヒー 散歩 猫 かわいい 明日 イラスト 夏 桜 駅前 帰り道 喫茶店 星 町 物語 魔法 学園
    """.split()
)
SURNAMES = tuple("王 李 张 刘 陈 杨 黄 赵 周 吴 徐 孙 马 胡 朱 郭 何 林 罗 高 郑 梁 谢 宋 唐 韩".split())
GIVEN = tuple("伟 芳 娜 敏 静 磊 洋 勇 艳 杰 涛 明 超 秀英 晓东 若溪 子涵 思远 一鸣 雨桐 浩然".split())
FIRMS = tuple("星河 华辰 瑞丰 恒源 天穹 云帆 海纳 鼎盛 博远 启明 嘉禾 远航 新元 锦程 青澜 北辰".split())
FIRM_KINDS = tuple("科技 控股 集团 股份 智能 能源 医药 银行 证券 汽车 传媒 半导体".split())
PLACES = tuple("北京 上海 广东 浙江 江苏 深圳 杭州 成都 武汉 重庆 西安 南京 苏州 天津 山东 福建".split())
EMOJI = ("☀️", "❤️", "⚽️", "✈️", "🎉", "🔥")
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 2 * 365 * 24 * 3600
CST = timezone(timedelta(hours=8))
MAX_NAME_BYTES = 240
NO_REFERRER = 'referrerpolicy="no-referrer"'
PG_UNDEFINED = "http://www.paulgraham.com/undefined"  # where the feed's footnote anchors ended up

SINA_QR = "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png"
SINA_TAIL = Template("""<!-- news_keyword_pub,stock, -->



<!-- 正文下iframe -->


<!-- 正文下iframe -->

<!-- 总声明-->


<!-- 总声明-->

<!-- 文末二维码 start -->


            <!-- 文末二维码 start -->
            <style>
            .appendQr_wrap{border:1px solid #E6E6E6;padding:8px;}
            .appendQr_normal{float:left;}
            .appendQr_normal img{width:74px;}
            .appendQr_normal_txt{float:left;font-size:20px;line-height:74px;padding-left:20px;color:#333;}
            </style>
            <div class="clearfix appendQr_wrap">
                <div class="appendQr_normal"><img src="$qr" referrerpolicy="no-referrer"></div>
                <div class="appendQr_normal_txt">海量资讯、精准解读，尽在新浪财经APP</div>
            </div>
            <!-- 文末二维码 start -->

            <!-- 文末二维码 start -->

<!-- 编辑姓名及工作代码 -->

<p class="article-editor">责任编辑：$editor </p>
<!-- 编辑姓名及工作代码-->

""")
CODE = (
    ("python", 'def area(r):\n    return 3.14 * r ** 2\n\nprint(f"{area(2):.2f}")  # {} in an f-string'),
    ("cpp", '#include <iostream>\nint main() {\n    std::cout << "5G" << std::endl;\n    return 0;\n}'),
    ("javascript", "const pick = (a, b) => {\n  if (a < b && b > 0) { return a; }\n  return b;\n};"),
)


@cache
def cumulative_zipf(n: int, exponent: float = 0.7) -> list[float]:
    """Cumulative weights so the word at rank r is drawn about 1/r**exponent as often as the first."""
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


class TextPool:
    """Sentences built once per run; posts are assembled from them, which keeps generation fast."""

    def __init__(self, rng: random.Random, size: int = 3000) -> None:
        self.rng = rng
        self.chinese = {
            topic: [self._sentence(words) for _ in range(size)] for topic, words in TOPICS.items()
        }
        self.english = [self._english_sentence() for _ in range(size)]
        self.japanese = ["".join(rng.choices(JAPANESE, k=rng.randint(3, 8))) + "。" for _ in range(300)]

    def pick(self, words: Sequence[str], k: int) -> list[str]:
        """`k` words, earlier ones more often."""
        return self.rng.choices(words, cum_weights=cumulative_zipf(len(words)), k=k)

    def _token(self, words: Sequence[str]) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.4:
            return self.pick(words, 1)[0]
        if kind < 0.75:
            return self.pick(COMMON, 1)[0]
        if kind < 0.9:
            return rng.choice(FILLERS)
        if kind < 0.95:
            return self.pick(IDIOMS, 1)[0]
        return number_phrase(rng)

    def _sentence(self, words: Sequence[str]) -> str:
        rng = self.rng
        clauses = [
            "".join(self._token(words) for _ in range(rng.randint(3, 8))) for _ in range(rng.randint(1, 3))
        ]
        return "，".join(clauses) + rng.choice("。。。。。。；！？")

    def _english_sentence(self) -> str:
        words = self.pick(ENGLISH, self.rng.randint(6, 20))
        return " ".join(words).capitalize() + self.rng.choice("....?")

    def paragraph(self, topic: str) -> str:
        return "".join(self._sample(self.chinese[topic], 2, 5))

    def english_paragraph(self) -> str:
        return " ".join(self._sample(self.english, 3, 7))

    def _sample(self, sentences: list[str], low: int, high: int) -> list[str]:
        # random() arithmetic instead of choices()/randint(): this is the generator's innermost loop
        random, count = self.rng.random, len(sentences)
        return [sentences[int(random() * count)] for _ in range(low + int(random() * (high - low + 1)))]


def number_phrase(rng: random.Random) -> str:
    form = rng.randrange(6)
    if form == 0:
        return f"{rng.uniform(0.1, 60):.1f}%"
    if form == 1:
        return f"{rng.randint(1, 999)}亿元"
    if form == 2:
        return f"{rng.randint(2015, 2022)}年"
    if form == 3:
        return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    if form == 4:
        return f"{rng.randint(2, 500)}万"
    return f"第{rng.randint(1, 4)}季度"


@dataclass
class Ctx:
    """What a body builder needs: randomness, text, the post's title and time, and a size budget in bytes."""

    rng: random.Random
    pool: TextPool
    topic: str
    title: str
    when: datetime
    target: int
    site: str

    def paragraphs(self, budget: int) -> Iterator[str]:
        """Paragraphs until about `budget` bytes are used (a Chinese character takes 3); at least one."""
        english = self.topic == "english"
        used = 0
        while True:
            text = self.pool.english_paragraph() if english else self.pool.paragraph(self.topic)
            used += (1 if english else 3) * len(text) + 20
            yield text
            if used >= budget:
                return

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def hexid(self, bits: int = 128) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def picsum(self) -> str:
        return f"https://picsum.photos/400/300?random={self.rng.randint(1, 9999)}"

    def day(self) -> str:
        return self.when.strftime("%Y%m%d")


Body = tuple[str, str]  # (HTML, headimg)


def sina_image(ctx: Ctx) -> str:
    w, h = ctx.rng.randint(400, 1080), ctx.rng.randint(250, 900)
    folder = f"{ctx.rng.randint(10, 700)}/w{w}h{h}/{ctx.day()}"
    return f"https://n.sinaimg.cn/finance/transform/{folder}/{ctx.hexid(16)}-{ctx.hexid()}.jpg"


def sina_table(ctx: Ctx) -> str:
    rows = "".join(
        f"<tr>\n<td>{ctx.rng.choice(TOPICS['finance'])}</td>\n<td>{ctx.rng.uniform(1, 99999):.1f}</td>\n"
        f"<td>{ctx.rng.uniform(-30, 60):.1f}</td>\n</tr>\n"
        for _ in range(ctx.rng.randint(3, 12))
    )
    caption = f"表{ctx.rng.randint(1, 5)} 主要指标"
    table = '<table border="1" cellspacing="0" cellpadding="5">'
    return f"{table}<caption>{caption}</caption>\n<tbody>\n{rows}</tbody>\n</table>"


def sina_body(ctx: Ctx) -> Body:
    rng = ctx.rng
    opening = rng.choice(("<p>", '<p cms-style="font-L">'))
    out = [f"<p>　　原标题：{ctx.title}</p>"]
    if rng.random() < 0.4:
        out.append(f"<p>　　本报记者 {ctx.person()}</p>")
    images: list[str] = []
    for text in ctx.paragraphs(ctx.target - 1600):
        out.append(f"{opening}　　{text}</p>")
        roll = rng.random()
        if roll < 0.12:
            images.append(sina_image(ctx))
            out.append(
                f'<div class="img_wrapper"><img id="{len(images) - 1}" src="{images[-1]}" alt'
                ' referrerpolicy="no-referrer"><span class="img_descr"></span></div>'
            )
        elif roll < 0.15:
            out.append(sina_table(ctx))
        elif roll < 0.17:
            out.append(
                f'<div class="video-2017"><div class="video-box" id="video_{rng.randint(1, 9)}"></div></div>'
            )
        elif roll < 0.22:
            out.append(f'<!--article_adlist[<p cms-style="font-L">校对：{ctx.person()}</p>]article_adlist-->')
    if rng.random() < 0.05:
        out.append('<!--article_adlist[<p cms-style="font-M">-->')
    out.append("<p></p>" + SINA_TAIL.substitute(qr=SINA_QR, editor=ctx.person()))
    return "\n".join(out), images[0] if images else SINA_QR


def zhimg(ctx: Ctx, suffix: str) -> str:
    return f"https://pic{ctx.rng.randint(1, 4)}.zhimg.com/v2-{ctx.hexid()}{suffix}.jpg?source=8673f162"


def zhihu_answer(ctx: Ctx, question: int, budget: int) -> tuple[str, str]:
    avatar = zhimg(ctx, "_l")
    bio, answer = ctx.pool.paragraph("life")[:12], ctx.rng.randint(10**9, 10**10)
    paragraphs = []
    for text in ctx.paragraphs(budget):
        paragraphs.append(f"<p>{text}</p>")
        if ctx.rng.random() < 0.1:
            paragraphs.append(
                f'<figure><img class="content-image" src="{zhimg(ctx, "_720w")}" alt {NO_REFERRER}></figure>'
            )
    html = (
        f'<div class="answer">\n\n<strong>\n<img class="avatar" src="{avatar}" {NO_REFERRER}>\n'
        f'<span class="author">{ctx.person()}，</span><span class="bio">{bio}</span>\n'
        f'<a href="https://www.zhihu.com/question/{question}/answer/{answer}" class="originUrl"'
        ' hidden>查看知乎原文</a>\n</strong>\n\n<div class="content">\n'
        + "\n".join(paragraphs)
        + "\n</div>\n</div>\n"
    )
    return html, avatar


def zhihu_daily_body(ctx: Ctx) -> Body:
    question = ctx.rng.randint(10**8, 10**9)
    count = 1 + (ctx.rng.random() < 0.3) + (ctx.rng.random() < 0.1)
    answers = [zhihu_answer(ctx, question, ctx.target // count) for _ in range(count)]
    html = (
        '<div class="main-wrap content-wrap">\n<div class="headline">\n\n'
        '<div class="img-place-holder">\n\n\n\n</div>\n\n'
        f'<div class="content-inner">\n\n\n\n<div class="question">\n{ctx.title}\n'
        + "\n".join(answer for answer, _ in answers)
        + f'\n\n<div class="view-more"><a href="https://www.zhihu.com/question/{question}">查看知乎讨论'
        '<span class="js-question-holder"></span></a></div>\n\n</div>\n\n\n</div>\n</div></div>'
    )
    return html, answers[0][1]


def code_block(ctx: Ctx) -> str:
    lang, code = ctx.rng.choice(CODE)
    # Raw < and > and an unclosed <span>, as Zhihu's highlighter leaves them.
    pre = f'<div class="highlight"><pre><code class="language-{lang}">'
    return f'{pre}<span></span>{code}<span class="p">\n</code></pre></div>'


def zhihu_hot_body(ctx: Ctx) -> Body:
    rng = ctx.rng
    out = [f"{ctx.person()}的回答<br><br>"]
    image = ""
    for text in ctx.paragraphs(ctx.target):
        roll = rng.random()
        pid = ctx.hexid(32)
        if roll < 0.08:
            out.append(f"<h2>{text[: rng.randint(4, 16)]}</h2>")
        elif roll < 0.14:
            out.append(f'<blockquote data-pid="{pid}">{text}</blockquote>')
        elif roll < 0.19:
            out.append("<ul>" + "".join(f"<li>{part}</li>" for part in text.split("，")) + "</ul>")
        elif roll < 0.23:
            out.append(code_block(ctx))
        elif roll < 0.30:
            image = image or zhimg(ctx, "_1440w")
            out.append(f'<figure data-size="normal"><img src="{zhimg(ctx, "_720w")}" {NO_REFERRER}></figure>')
        elif roll < 0.32:
            out.append(
                f'<a href="https://zhuanlan.zhihu.com/p/{rng.randint(10**8, 10**9)}" data-draft-node="block" '
                'data-draft-type="link-card" class="LinkCard">'
                f'<div class="LinkCard-title">{text[:20]}</div></a>'
            )
        else:
            out.append(f'<p data-pid="{pid}">{text}</p>')
    return "".join(out), image or ctx.picsum()


def tech_body(ctx: Ctx) -> Body:
    """IT之家 style: tagged paragraphs, a.s_tag links and images wrapped in links (cnBeta is similar)."""
    rng = ctx.rng
    out = [
        f'<p data-vmark="{ctx.hexid(16)}"><a class="s_tag" href="https://www.ithome.com/">IT之家</a> '
        f"{ctx.when.month} 月 {ctx.when.day} 日消息，{ctx.pool.paragraph(ctx.topic)}</p>"
    ]
    image = ""
    for text in ctx.paragraphs(ctx.target - 600):
        if rng.random() < 0.3:
            word = rng.choice(TOPICS["tech"])
            tag = f"https://www.ithome.com/tag/{ctx.hexid(16)}/"
            text = f'<a class="s_tag" href="{tag}" target="_blank">{word}</a>{text}'
        out.append(f'<p data-vmark="{ctx.hexid(16)}">{text}</p>')
        if rng.random() < 0.25:
            src = f"https://img.ithome.com/newsuploadfiles/{ctx.when.year}/{ctx.when.month}/{ctx.hexid()}.jpg"
            image = image or src
            alt = f' alt="{ctx.title[:6]}" {ctx.title[6:12]}"' if rng.random() < 0.05 else ""  # malformed
            out.append(
                f'<p style="text-align: center;"><a href="{src}" target="_blank">'
                f'<img src="{src}@s_2,w_820,h_461" w="820" h="461"{alt}'
                f' title="{ctx.title}" referrerpolicy="no-referrer"></a></p>'
            )
    return "".join(out) + "\n          ", image or ctx.picsum()


def cnbeta_body(ctx: Ctx) -> Body:
    rng = ctx.rng
    out = [ctx.pool.paragraph(ctx.topic) + "<br>\n "]
    image = ""
    for text in ctx.paragraphs(ctx.target - 400):
        out.append(f"<p>{text}</p>")
        if rng.random() < 0.2:
            src = f"https://static.cnbetacdn.com/article/{ctx.when.year}/{ctx.when:%m%d}/{ctx.hexid(60)}.jpg"
            image = image or src
            out.append(
                f'<p><a target="_blank" href="{src}"><img src="{src}" referrerpolicy="no-referrer"></a></p>'
            )
    return "".join(out) + "   ", image or ctx.picsum()


def game_body(ctx: Ctx) -> Body:
    name = f"{ctx.rng.randint(10**9, 2 * 10**9)}_{ctx.rng.randint(1, 999999)}"
    image = f"https://img.3dmgame.com/uploads/images/news/{ctx.day()}/{name}.jpg"
    out = []
    for index, text in enumerate(ctx.paragraphs(ctx.target)):
        out.append(f'<p style="text-indent:2em;">\n{text}\n</p>')
        if index == 0 or ctx.rng.random() < 0.2:
            out.append(f'<p align="center">\n<img src="{image}" alt="{ctx.title}" {NO_REFERRER}>\n</p>')
    return "\n".join(out) + "          ", image


def one_line_body(ctx: Ctx) -> Body:
    """36kr / 游研社 快讯: one bare line, no markup."""
    prefix = "36氪获悉，" if ctx.site == "36kr" else ""
    return prefix + "".join(ctx.pool.paragraph(ctx.topic) for _ in range(ctx.rng.randint(1, 2))), ctx.picsum()


def jinse_body(ctx: Ctx) -> Body:
    lead = ctx.title.removesuffix("...")
    return lead + ctx.pool.paragraph(ctx.topic), ctx.picsum()


def bangumi_body(ctx: Ctx) -> Body:
    image = (
        ctx.picsum()
        if ctx.rng.random() < 0.5
        else (
            f"https://cors.zfour.workers.dev/?http://lain.bgm.tv/pic/cover/l/{ctx.hexid(8)}/"
            f"{ctx.hexid(8)}/{ctx.rng.randint(10**5, 10**6)}_{ctx.hexid(20)}.jpg"
        )
    )
    sites = [
        ("番组计划", "https://bangumi.tv/subject/"),
        ("哔哩哔哩", "https://www.bilibili.com/bangumi/media/md"),
        ("動畫瘋", "https://ani.gamer.com.tw/animeVideo.php?sn="),
        ("爱奇艺", "https://www.iqiyi.com/a_"),
        ("公式サイト", "https://example.jp/anime/"),
    ]
    links = "".join(
        f'<li><a href="{url}{ctx.rng.randint(1000, 999999)}">{name}</a></li>'
        for name, url in sites[: ctx.rng.randint(1, len(sites))]
    )
    return f'<img src="{image}" referrerpolicy="no-referrer"><ul>{links}</ul>', image


def mastodon_body(ctx: Ctx) -> Body:
    text = ctx.title.split('"')[1].strip() if '"' in ctx.title else ctx.title
    folder = f"0{ctx.rng.randint(10, 99)}/{ctx.rng.randint(100, 999)}"
    image = f"https://img.pawoo.net/media_attachments/files/{folder}/original/{ctx.hexid(64)}.jpeg"
    html = f"<hr><p>{text}</p>"
    if ctx.rng.random() < 0.6:
        return html + f'<br><img src="{image}" alt="image " referrerpolicy="no-referrer">', image
    return html, ctx.picsum()


def video_body(ctx: Ctx) -> Body:
    """Axis Studios / 开眼: an embedded player, long runs of blank lines, a little text."""
    rng = ctx.rng
    player = (
        f'<iframe id="ytplayer" type="text/html" width="640" height="360"'
        f' src="https://youtube.com/embed/{ctx.hexid(44)}" frameborder="0" allowfullscreen></iframe>'
        if rng.random() < 0.5
        else f'<video src="http://player.vimeo.com/external/{ctx.hexid(32)}.hd.mp4" controls></video>'
    )
    blank = "\n".join(" " * rng.choice((12, 16, 20)) for _ in range(rng.randint(3, 12)))
    text = "".join(f"<p>{t}</p>\n{blank}\n" for t in ctx.paragraphs(ctx.target))
    return f"{player}<br>+\n{blank}\n{text}", ctx.picsum()


def dribbble_body(ctx: Ctx) -> Body:
    shot = f"{ctx.rng.randint(1, 99999)}/screenshots/{ctx.rng.randint(10**6, 10**8)}"
    image = f"https://cdn.dribbble.com/users/{shot}/media/{ctx.hexid()}.png?compress=1&resize=400x300"
    data = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    html = (
        f'<div class="media-content">\n      <img alt="{ctx.title}" width="768" height="579"'
        f' srcset="{data} 1w, {image} 400w"'
        f' src="{image}" referrerpolicy="no-referrer">\n  </div>\n<br>\n                        <br>\n'
        f"{' ' * 24}{ctx.rng.randint(0, 500)} likes<br>\n{' ' * 24}{ctx.rng.randint(0, 200)} saves"
    )
    return html, image


def wrap_lines(text: str, width: int = 66) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) >= width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def essay_body(ctx: Ctx) -> Body:
    """Paul Graham style: hard-wrapped English, <br><br> paragraphs, footnotes that link to .../undefined."""
    paragraphs = [ctx.when.strftime("%B %Y")]
    for text in ctx.paragraphs(ctx.target):
        text = wrap_lines(text)
        if ctx.rng.random() < 0.02:
            text = text.replace(" ", " \ufffd ", 1)  # the feed's one broken character
        paragraphs.append(text)
    notes = min(len(paragraphs) - 1, ctx.rng.randint(0, 4))
    for i in range(1, notes + 1):
        link = f'<a href="http://www.paulgraham.com/essay.html#f{i}n"><font color="#dddddd">{i}</font></a>'
        paragraphs[i] += f'\n<font color="#dddddd">[{link}]</font>'
    html = "<br><br>".join(paragraphs)
    if notes:
        html += "<br><br><br><br><b>Notes</b><br><br>" + "".join(
            f'[<a name="f{i}n" href="{PG_UNDEFINED}"><font color="#000000">{i}</font></a>]\n'
            f"{wrap_lines(ctx.pool.english_paragraph())}<br><br>"
            for i in range(1, notes + 1)
        )
    if ctx.rng.random() < 0.3:
        table = '<table border="0" cellspacing="0" cellpadding="0" width="435"><tr><td>'
        html = f'{table}<font size="2" face="verdana">{html}</font></td></tr></table>'
    return html, ctx.picsum()


def sites_body(ctx: Ctx) -> Body:
    """Google Sites: a layout table around divs, sometimes a CSS snippet."""
    parts = "".join(f"<div>{text}</div><div><br></div>" for text in ctx.paragraphs(ctx.target))
    if ctx.rng.random() < 0.3:
        parts += "<pre>.card {\n  display: grid;\n  gap: 16px;\n}</pre>"
    html = (
        '<table xmlns="http://www.w3.org/1999/xhtml" cellspacing="0"'
        ' class="sites-layout-name-one-column sites-layout-hbox"><tbody><tr>'
        f'<td class="sites-layout-tile sites-tile-name-content-1"><div dir="ltr">{parts}</div></td></tr>'
        "</tbody></table>\n"
    )
    return html, ctx.picsum()


TitleFn = Callable[[random.Random, TextPool, str], str]
TITLE_WORDS = tuple(word for word in ENGLISH if len(word) > 3)


def distinct(words: list[str]) -> list[str]:
    """The words without repeats, in order: titles read better without them."""
    return list(dict.fromkeys(words))


def news_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    """A headline: maybe a firm or place, topic words, maybe a number; a few carry the crawler's quirks."""
    roll = rng.random()
    subject = (
        rng.choice(FIRMS) + rng.choice(FIRM_KINDS) if roll < 0.4 else rng.choice(PLACES) if roll < 0.7 else ""
    )
    words = distinct(pool.pick(TOPICS[topic], rng.randint(1, 3)) + pool.pick(COMMON, rng.randint(1, 3)))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), number_phrase(rng))
    if rng.random() < 0.05:
        words[0] = f'"{words[0]}"'
    if rng.random() < 0.03:
        words[-1] = f"_{words[-1]}_"  # a replaced “ ” or ASCII : ? in the original title
    title = (
        subject
        + "".join(words[: len(words) // 2 + 1])
        + rng.choice(("", " ", "：", "，"))
        + "".join(words[len(words) // 2 + 1 :])
    )
    return title.strip(" ：，") + rng.choice(("", "", "", "", "？", "！"))


def question_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    if rng.random() < 0.02:
        return f"{rng.choice(('Python', 'JavaScript', 'C++'))} 里的 {{}} 到底是什么意思？"
    words = "".join(
        distinct(pool.pick(TOPICS[topic], rng.randint(1, 2)) + pool.pick(COMMON, rng.randint(1, 3)))
    )
    return rng.choice(("为什么", "如何看待", "如何评价", "怎样理解", "有哪些", "")) + words + "？"


def jinse_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    text = f"【{news_title(rng, pool, topic)}】金色财经报道，{pool.paragraph(topic)}"
    return text if len(text) <= 60 else text[:60] + "..."


def english_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    words = [word.capitalize() for word in distinct(pool.pick(TITLE_WORDS, rng.randint(1, 4)))]
    if rng.random() < 0.1:
        words[0] += "'s"  # needs double quotes in YAML
    return " ".join(words) + ("_" if rng.random() < 0.05 else "")


def dribbble_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    title = english_title(rng, pool, topic)
    return f"{title} {rng.choice(EMOJI)}" if rng.random() < 0.3 else title


def bangumi_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    japanese = "".join(rng.choices(JAPANESE, k=rng.randint(2, 4)))
    return f"{japanese}｜{''.join(distinct(pool.pick(TOPICS[topic], rng.randint(1, 3))))}"


def toot_title(rng: random.Random, pool: TextPool, topic: str) -> str:
    user = f"@{rng.choice(ENGLISH)}_{rng.randint(1, 999)}"
    text = rng.choice(pool.japanese) if rng.random() < 0.5 else pool.paragraph(topic)[:40]
    if rng.random() < 0.2:
        text += rng.choice(EMOJI)
    return f'{user} "\n{text}\n"' if rng.random() < 0.5 else f'{user} "{text}"'


@dataclass(frozen=True)
class Source:
    """One feed family: where its posts go, how common it is, and how its titles, bodies and dates look."""

    top: str
    name: str
    feeds: tuple[str, ...]
    weight: float
    topic: str
    title: TitleFn
    body: Callable[[Ctx], Body]
    dates: str  # "rfc", "naive", "invalid" or "mixed" (RFC 822 or ISO 8601 with offset)
    median_kb: float
    sigma: float


SINA_FEEDS = ("新浪财经－国內",) * 3 + ("新浪财经－滚动", "新浪财经－美股")
SOURCES = (
    Source("金融", "新浪财经", SINA_FEEDS, 35, "finance", news_title, sina_body, "rfc", 6.5, 0.65),
    Source("社交媒体", "知乎", ("知乎日报",), 6, "life", question_title, zhihu_daily_body, "naive", 7.0, 0.9),
    Source("社交媒体", "知乎", ("知乎热榜",), 8, "life", question_title, zhihu_hot_body, "rfc", 5.0, 0.8),
    Source("新媒体", "36kr", ("快讯",), 6, "finance", news_title, one_line_body, "rfc", 0.45, 0.3),
    Source("新媒体", "36kr", ("最新资讯",), 2, "tech", news_title, cnbeta_body, "rfc", 4.0, 0.6),
    Source("新媒体", "IT 之家", ("热榜", "分类资讯"), 8, "tech", news_title, tech_body, "rfc", 3.2, 0.5),
    Source("新媒体", "cnBeta", ("最新",), 4, "tech", news_title, cnbeta_body, "rfc", 2.5, 0.5),
    Source("新媒体", "金色财经", ("快讯",), 8, "crypto", jinse_title, jinse_body, "invalid", 0.5, 0.2),
    Source("游戏", "3DMGame", ("新闻中心",), 6, "game", news_title, game_body, "rfc", 3.0, 0.5),
    Source("游戏", "游研社", ("全部文章",), 2, "game", news_title, one_line_body, "rfc", 0.4, 0.3),
    Source("二次元", "Bangumi", ("放送列表",), 3, "anime", bangumi_title, bangumi_body, "rfc", 0.5, 0.2),
    Source(
        "社交媒体",
        "Mastodon",
        ("实例公共时间线（本站）",),
        2,
        "life",
        toot_title,
        mastodon_body,
        "rfc",
        0.5,
        0.2,
    ),
    Source("音视频", "开眼", ("每日精选",), 1.5, "life", news_title, video_body, "rfc", 1.3, 0.4),
    Source(
        "设计", "Axis Studios", ("Work type",), 0.5, "english", english_title, video_body, "naive", 2.0, 0.4
    ),
    Source("设计", "Dribbble", ("关键词",), 1, "english", dribbble_title, dribbble_body, "invalid", 1.0, 0.2),
    Source(
        "博客", "Paul Graham 博客", ("Essays",), 1, "english", english_title, essay_body, "naive", 15.0, 0.6
    ),
    Source("博客", "Google Sites", ("文章更新",), 1, "tech", news_title, sites_body, "mixed", 2.0, 0.6),
)
MAX_BODY = 150_000
_NAME_DROP = str.maketrans("", "", ".#\n")


def date_text(rng: random.Random, style: str, when: datetime) -> str:
    """The `date:` value in one of the forms the crawler wrote."""
    roll = rng.random()
    if style == "invalid":
        return "Invalid Date"
    if style == "naive" or roll < 0.01:  # RSS feeds without pubDate fall back to the crawl time
        return when.strftime("%Y-%m-%d %H:%M:%S")
    if (style == "mixed" and roll < 0.5) or roll > 0.995:
        return when.astimezone(CST).isoformat()
    return format_datetime(when, usegmt=True)


def file_name(title: str) -> str:
    """The crawler's file name: the title without `.`, `#` and line breaks, cut to a safe length."""
    name = title.translate(_NAME_DROP).encode()[:MAX_NAME_BYTES].decode(errors="ignore")
    return name + ".md"


def render(
    title: str, categories: Sequence[str], author: str, date: str, image: str, body: str, extra: str
) -> bytes:
    """The whole file as the crawler wrote it, braces escaped everywhere."""
    quoted = f'"{title}"' if "'" in title else f"'{title}'"
    cats = "".join(f" - {category}\n" for category in categories)
    text = (
        f"\n---\ntitle: {quoted}\ncategories: \n{cats}{extra}headimg: '{image}'\n"
        f"author: {author}\ncomments: false\n"
        f"date: {date}\nthumbnail: '{image}'\n---\n\n<div>   \n{body}  \n</div>\n            "
    )
    return text.replace("{", "&#123;").replace("}", "&#125;").encode()


def unique_title(rng: random.Random, pool: TextPool, source: Source, folder: str, taken: set[str]) -> str:
    """A title whose file name is still free in its feed folder (two equal names would overwrite)."""
    title = source.title(rng, pool, source.topic)
    attempt = 0
    while os.path.join(folder, file_name(title)) in taken:
        attempt += 1
        title = source.title(rng, pool, source.topic) + (f" {attempt}" if attempt > 3 else "")
    taken.add(os.path.join(folder, file_name(title)))
    return title


def make_post(
    rng: random.Random, pool: TextPool, source: Source, out_dir: str, taken: set[str]
) -> tuple[str, bytes]:
    """One post's path and bytes (paths are strings here: pathlib is slow in this loop)."""
    feed = rng.choice(source.feeds)
    folder = os.path.join(out_dir, source.top, source.name, feed)
    title = unique_title(rng, pool, source, folder, taken)
    when = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
    target = min(int(1000 * source.median_kb * rng.lognormvariate(0, source.sigma)), MAX_BODY)
    body, image = source.body(Ctx(rng, pool, source.topic, title, when, target, source.name))
    extra = ""
    if rng.random() < 0.01:  # Hexo keys the crawler never wrote; ingest must keep them
        extra = "tags: \n" + "".join(f" - {tag}\n" for tag in pool.pick(TOPICS["tech"], 2))
    date = date_text(rng, source.dates, when)
    data = render(title, (source.top, source.name, feed), source.name, date, image, body, extra)
    return os.path.join(folder, file_name(title)), data


def generate(n: int, out_dir: Path, seed: int = 0) -> list[Path]:
    """Write `n` posts under `out_dir`; the same `n` and `seed` always give the same files."""
    rng = random.Random(seed)
    pool = TextPool(rng)
    weights = list(accumulate(source.weight for source in SOURCES))
    taken: set[str] = set()
    folders: set[str] = set()
    paths = []
    for source in rng.choices(SOURCES, cum_weights=weights, k=n):
        path, data = make_post(rng, pool, source, str(out_dir), taken)
        folder = os.path.dirname(path)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        with open(path, "wb") as file:
            file.write(data)
        paths.append(Path(path))
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write N synthetic Hexo posts shaped like the scraped corpus."
    )
    parser.add_argument("n", type=int, help="number of posts")
    parser.add_argument("out_dir", type=Path, help="root folder; posts go to <category>/<source>/<feed>/")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.n, args.out_dir, args.seed)
    elapsed = time.perf_counter() - started
    sizes = [path.stat().st_size for path in paths] or [0]
    print(
        f"{len(paths)} posts, {sum(sizes) / 1e6:.1f} MB in {elapsed:.1f}s ({len(paths) / elapsed:.0f}/s); "
        f"size median {statistics.median(sizes) / 1000:.1f} KB, max {max(sizes) / 1000:.1f} KB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
