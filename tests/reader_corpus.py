"""A small invented corpus for the reader's browser tests: twelve articles in three feeds of two top
categories, by two authors, some with pictures served by a stand-in image host."""

from pathlib import Path

from tests.conftest import post_text

DOMESTIC = "\n - 金融\n - 新浪财经\n - 新浪财经－国内"
SAVINGS = "\n - 金融\n - 新浪财经\n - 新浪财经－理财"
GADGETS = "\n - 科技\n - IT之家\n - IT之家－数码"

# (file name, title, categories, author, day of September 2021, picture number or None, paragraphs)
ARTICLES = [
    (
        "pension-raise",
        "养老金调整方案公布，十八个省份同步上调",
        DOMESTIC,
        "新浪财经",
        30,
        1,
        [
            "人力资源部门公布了今年的基本养老金调整方案，十八个省份在同一天宣布上调养老金标准。",
            "按照方案，退休人员的基本养老金总体上调百分之四，养老金水平较低的高龄人员适当倾斜。",
            "专家认为，养老金连续上调体现了社会保障的托底作用，也要求养老金的长期收支保持平衡。",
            "多地表示，调整后的养老金将在本月底前发放到位，补发的养老金一次性到账。",
        ],
    ),
    (
        "pension-accounts",
        "个人养老金账户开户人数突破一千万",
        DOMESTIC,
        "新浪财经",
        28,
        None,
        [
            "个人养老金制度试行一年来，养老金账户的开户人数已经突破一千万，缴存金额稳步增长。",
            "银行人士表示，个人养老金的税收优惠吸引了不少年轻人，但实际缴存养老金的比例仍然偏低。",
            "业内建议进一步丰富养老金产品，让个人养老金和基本养老金一起发挥作用。",
        ],
    ),
    (
        "liquidity",
        "央行：保持流动性合理充裕",
        DOMESTIC,
        "新浪财经",
        26,
        2,
        [
            "央行在例会上表示，将继续保持流动性合理充裕，引导市场利率平稳运行。",
            "分析人士指出，季末资金面可能出现短暂波动，公开市场操作会适时加大投放。",
        ],
    ),
    (
        "housing",
        "多地出台措施稳定住房市场预期",
        DOMESTIC,
        "新浪财经",
        24,
        None,
        [
            "近期多个城市调整了住房公积金贷款额度，并优化了购房资格审核流程。",
            "研究机构认为，这些措施有助于稳定市场预期，但效果还需要时间观察。",
        ],
    ),
    (
        "first-savings",
        "年轻人如何规划人生中的第一笔储蓄",
        SAVINGS,
        "新浪财经",
        22,
        3,
        [
            "刚参加工作的年轻人，往往不知道第一笔储蓄应该放在哪里。",
            "理财顾问建议先留出半年的生活费作为应急资金，再考虑定期存款和低风险的理财产品。",
        ],
    ),
    (
        "fund-plan",
        "基金定投三年，收益到底如何",
        SAVINGS,
        "新浪财经",
        20,
        None,
        [
            "一位读者坚持基金定投三年，经历了两轮市场起伏，最终取得了稳定的收益。",
            "定投的关键在于纪律：不因短期涨跌而中断，也不盲目追加投入。",
        ],
    ),
    (
        "pension-products",
        "养老理财产品试点扩大到十个城市",
        SAVINGS,
        "新浪财经",
        18,
        4,
        [
            "监管部门宣布，养老理财产品的试点范围从四个城市扩大到十个城市。",
            "养老理财产品期限较长、风险较低，适合为养老金做长期储备的投资者，是养老金之外的补充。",
        ],
    ),
    (
        "foldable-phone",
        "新款折叠屏手机发布，续航大幅提升",
        GADGETS,
        "IT之家",
        29,
        5,
        [
            "今天发布的新款折叠屏手机采用了更轻的铰链设计，机身重量减少了二十克。",
            "得益于新一代电池技术，这款手机的续航比上一代提升了三成。",
            "厂商表示，首批产品将在下月初开始发货。",
        ],
    ),
    (
        "chip",
        "国产芯片厂商发布新一代处理器",
        GADGETS,
        "IT之家",
        27,
        None,
        [
            "一家国产芯片厂商发布了新一代处理器，采用更先进的制程工艺。",
            "官方数据显示，新处理器的能效比上一代提升了四成，将用于笔记本电脑和服务器。",
        ],
    ),
    (
        "system-update",
        "多家手机厂商开始推送秋季系统更新",
        GADGETS,
        "IT之家",
        25,
        None,
        [
            "本周起，多家手机厂商开始向用户推送秋季系统更新，带来了新的隐私保护功能。",
            "更新将分批推送，老机型预计在月底前完成升级。",
        ],
    ),
    (
        "chargers",
        "电动汽车充电桩数量同比增长七成",
        GADGETS,
        "IT之家",
        23,
        6,
        [
            "最新统计显示，全国充电桩数量同比增长七成，公共充电网络覆盖了更多县城。",
            "业内人士认为，充电设施的完善将进一步推动电动汽车的普及。",
        ],
    ),
    (
        "phone-models",
        "开源语言模型首次在手机上流畅运行",
        GADGETS,
        "IT之家",
        21,
        None,
        [
            "研究团队把一个开源语言模型压缩到可以在手机上流畅运行的大小。",
            "测试表明，模型在离线状态下也能完成翻译和摘要等常见任务。",
        ],
    ),
]
PAGE_SIZE = 10  # the reader's page size: the front page shows this many, "more" the rest


def picture_url(image_host: str, number: int) -> str:
    return f"{image_host}/pictures/{number}.png"


def write_corpus(folder: Path, image_host: str) -> None:
    """Write the articles as the crawler would; the pictured ones also show their picture in the body."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, title, categories, author, day, picture, paragraphs in ARTICLES:
        blocks = [f"<p>{paragraph}</p>" for paragraph in paragraphs]
        headimg = None
        if picture is not None:
            headimg = picture_url(image_host, picture)
            blocks.insert(1, f'<figure><img src="{picture_url(image_host, picture + 10)}"></figure>')
        text = post_text(
            title=title,
            categories=categories,
            author=author,
            date=f"2021-09-{day:02d} 10:00:00",
            headimg=headimg,
            body="<div>\n" + "\n".join(blocks) + "\n</div>\n",
        )
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
