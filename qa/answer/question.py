"""What a question asks: the kind of fact, the specific items it names, its words, with news variants folded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.splice import is_cjk
from index.tokenize import cut, dictionary_frequency, dictionary_tag, words
from qa.relevance import ASKING, question_words

# Chinese numerals written before a measure word or after 第 become Arabic (第十六次 -> 第16次).
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# counters a question may ask in (几套, 多少双): the figure must carry one, though alone (一份) one is no count
COUNTERS = "套|双|份|枚|颗|棵|株|匹|盒|瓶|箱|栋|幢|宗|例|笔|起"
MEASURES = "次届期家个号年月日名位批项条座所支人户天倍轮季度号线层岁元亿万种类部本首场只头件张篇门架艘辆台吨亩代对辑级队集卷册章节段分"
_CN_NUMBER = re.compile(rf"(?<![\d.])(第?)([零〇一二两三四五六七八九十百千]+)(?=[{MEASURES}])|(第)([零〇一二两三四五六七八九十百千]+)")
_FIRST = re.compile(rf"首(?=[{MEASURES}{COUNTERS.replace('|', '')}款])")  # 首家, 首份, 首度: the first (not 首都, 首先, 首相)
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
# a sum in financial numerals (壹万元整, 伍佰元), never 队伍 or 陆地
_CAPITALS = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟]+(?=[万亿元圆整])")
_CAPITAL_DIGITS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟", "一二三四五六七八九十百千")

# Variants common in Chinese news, folded to one spelling on both sides before matching.
VARIANTS: tuple[tuple[str, str], ...] = (
    ("大约", "约"), ("左右", ""), ("亿元", "亿"), ("万元", "万"), ("我市", "市"), ("全市", "市"), ("本市", "市"),
    ("我县", "县"), ("全县", "县"), ("我镇", "镇"), ("全镇", "镇"), ("逾", "超过"),
    ("划分为", "分为"), ("划分", "分为"), ("目前", "现在"), ("如今", "现在"), ("举办", "举行"), ("召开", "举行"), ("动工", "开工"), ("兴建", "修建"),
    ("建造", "修建"), ("逝世", "去世"), ("病逝", "去世"), ("余下", "剩下"), ("发售", "发行"), ("现有", "现存"),
    ("总计", "共计"), ("合计", "共计"), ("位列", "排名"), ("名列", "排名"),
    ("卒于", "去世于"), ("病卒", "去世"), ("卒，", "去世，"), ("卒。", "去世。"), ("筑成", "建成"), ("落成", "建成"), ("纪录", "记录"), ("部份", "部分"), ("提早", "提前"),
    ("创办人", "创始人"), ("创立者", "创始人"), ("创办者", "创始人"),
    ("投入运营", "投入使用"), ("交付运营", "投入使用"), ("交付使用", "投入使用"), ("正式启用", "投入使用"),
    ("保存", "保留"), ("全程", "全长"), ("全线", "全长"), ("市场占有率", "市占率"), ("新增", "增加"), ("卖出", "出售"), ("售出", "出售"), ("加盟", "加入"),
    ("出任", "担任"), ("率先", "最先"), ("荣获", "获得"), ("再度", "再次"), ("端掉", "捣毁"), ("打掉", "捣毁"),
    ("控罪", "罪名"), ("案子", "案件"), ("创立", "成立"), ("创建", "成立"), ("研制", "研发"), ("竣工", "建成"),
    ("完工", "建成"), ("签订", "签署"), ("地处", "位于"), ("坐落于", "位于"), ("坐落在", "位于"), ("占地面积", "占地"),
    ("通车", "开通"), ("替代", "代替"), ("爆发", "发生"), ("修订", "修改"), ("饰演", "扮演"),
    ("筹备", "准备"), ("排行", "排名"), ("拜为", "封为"), ("受封", "封为"), ("更名", "改名"), ("易名", "改名"),
    ("辞世", "去世"), ("过世", "去世"), ("身故", "去世"), ("投身", "投入"), ("宣告", "宣布"),
    # a report writes out what a question may ask by its letters (GDP, CPI)
    ("地区生产总值", "gdp"), ("国内生产总值", "gdp"), ("生产总值", "gdp"), ("居民消费价格指数", "cpi"),
    ("消费者物价指数", "cpi"), ("采购经理指数", "pmi"), ("人工智能", "ai"), ("世界卫生组织", "who"), ("首席执行官", "ceo"),
    ("美国国家航空航天局", "nasa"), ("美国航天局", "nasa"), ("苹果手机", "iphone"),
)

# Words about the archive itself, not the subject: a report need not say them.
META_WORDS = frozenset(["报道", "出现", "出现过", "提到", "提及", "新闻", "文章", "档案", "报纸", "报上", "里", "中", "过",
                        "请问", "一下", "告诉", "知道", "我", "想", "问", "都", "曾经", "有没有", "是不是", "时候", "名字",
                        "叫", "叫作", "叫做", "可以", "有着", "称为", "又", "曾", "被", "会", "能", "要", "主要", "一些",
                        "它", "它们", "他", "他们", "她", "她们", "其", "该", "此", "这个", "那个", "这些", "那些",
                        "呀", "么", "吧", "啊", "呢", "吗", "介绍", "简述", "描述",
                        "镇内", "市内", "县内", "区内", "省内", "村内", "境内", "国内",
                        "这本", "这部", "这一", "这次", "此次", "本次", "一般", "通常", "关于", "还有",
                        "文中", "本文", "提起"])
# Nouns that name the kind of thing asked (特点, 影响): a report states the thing without the word.
ASK_NOUNS = frozenset(["内容", "特点", "特性", "特征", "优势", "影响", "作用", "意义", "方面", "情况", "方式", "类型", "样子",
                       "地方", "原因", "目的", "措施", "办法", "结果", "功能", "用途", "身份", "职务", "职业", "态度", "看法", "比例",
                       "占比", "比重", "数量", "人数", "规模", "年纪", "年龄", "岁数", "时间", "时期", "颜色", "名称",
                       "籍贯", "长度", "宽度", "高度", "深度", "金额", "数额"])
# Hedges and times around a question word (约, 超过, 今年): never what the question is about.
_NOT_FOCUS = frozenset(["约", "大约", "大概", "超过", "左右", "近", "将近", "多", "共", "一共", "总共", "今年", "去年", "现在",
                        "目前", "平均", "预计", "全部", "分别", "各", "每", "通常", "一般", "往往", "经常", "那天", "当天", "这天", "当时", "那时",
                        "当年", "那年", "每天", "每年", "每月", "每周", "每次",
                        "正式", "频繁", "诸多", "拥有", "达到", "拿到", "花费", "获得", "自称", "人们", "真正", "成功",
                        "万元", "亿元", "元", "万", "亿", "公里", "米",
                        "平方米", "立方米", "公分", "厘米", "千米", "吨", "亩", "人次", "开始", "时间", "是从",
                        "最先", "最终", "最后", "自己"])
# 什么时期, 哪个党派: the noun after the question word names what the answer is, and answers often share a character
# with it (镰仓时代后期, 民主党, 蒙古族)
_WHICH = re.compile(r"^(?:什么|哪|哪[一个些种部家场所条座项类支届本首篇门间款位]|何)$")
_WHICH_ONE = re.compile(r"哪一?[个家所座艘条部幅支只款项间本张首届队栋台辆枚](?!些)([\u4e00-\u9fff]{1,6})")
_DETERMINERS = set("该这那此某一本其每各哪个所家座位条两几多些之的")
_COUNT_ENDS = re.compile(rf"(?:多少|几)(?:[{MEASURES}]|{COUNTERS})([\u4e00-\u9fff]{{2,10}}?)[了呢吗]?[？?]?$")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})千")
_CASE_ORDINAL = re.compile(r"(第\d+)[例宗](?=[\u4e00-\u9fff]{0,8}(?:案|纠纷|事故|事件|诉讼))")
_NOT_ASKED = set("的是了在和与及有为么个一呢吗样事人物东西")
FILLER = "的是了在和与及有为么个一呢吗因此所以故而也则就都被把将于目前"  # characters that say nothing new
_FILLER_CHARS = re.compile(r"[^\u4e00-\u9fff0-9a-z]|[" + FILLER + "]")
RESTATED_CHARS = 4  # a clause with no more than this beyond the question's words says nothing new
_COUNTED = re.compile(rf"^[\d一二两三四五六七八九十百千]+[{MEASURES}]?$")

TOWN = re.compile(r"(?:镇|乡|街道)$")  # a town the question names: a sentence naming another town is not about it
_TOWN_SUFFIX = re.compile(r"镇|乡|街道")
_NO_TOWN = set("全我本该各城乡小古集重市村每一两的哪个么")  # 全镇, 城乡镇, 哪个街道: no town's name
_BEFORE_NO_TOWN = set("由在到从与等向对为被将把给")  # 费用由街道承担: a word, not a town's name, before 街道
_JOINED = re.compile(r"[和与及的]")  # 江文也和郭芝苑: two names jieba took for one place
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,}[省市县镇乡村]$")
_GENERIC_PLACES = frozenset(["城市", "全市", "我市", "本市", "全县", "全镇", "全省", "全国", "国内", "国外", "海外", "地区",
                             "农村", "城乡", "乡村", "城镇", "社区", "镇内", "市内", "县内", "村里", "当地", "本地", "外地",
                             "大洋", "大洲", "海域", "区域", "流域", "沿海", "内陆", "湖泊", "东西"])  # 什么东西: a thing

# The kind of fact each question word asks for.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", re.compile(r"什么时候|何时|哪一?天|哪一?年|几月|几号|哪个月|什么时间|几时|日期是|几点|什么时刻")),
    ("person", re.compile(r"谁|哪位|哪一位|什么人|何人|哪些人")),
    ("place", re.compile(r"哪里|在哪(?![本部篇种位项次届期份首张家]|一段)|何地|何处|什么地方|哪个地方|哪儿|位于哪|哪个城市|哪座城市|哪个国家|哪个省")),
    ("reason", re.compile(r"(?<![称译作成叫认视改选定名列分归取命更])为什么|为何|什么原因|原因是|何故")),
    ("number", re.compile(r"多少|(?<![哪那这])几(?![乎经]|内亚)(?=.)|多大(?!学)|多高|多长|多远|多重|多久|多深|多宽|比例|比重|占比|增幅|增速|总额|金额|年龄|几$")),
    ("method", re.compile(r"怎么(?!样的)|如何|怎样(?!的)|哪些措施|什么措施|什么办法|什么方式")),
)
CRISP_KINDS = ("number", "date", "person", "place")  # a fact a clause can be checked for holding
_WH = re.compile(r"什么人|什么地方|什么时候|谁|哪位|哪里|哪儿|何时|哪一?年|多少|什么|哪[个些座家所部种位条本国]?")
_SLOT_PREPOSITIONS = set("由被与和为给向在从对跟同把将")  # one character before the question word is context enough
_SLOT_WORD = re.compile(r"[\u4e00-\u9fffa-z0-9]+")
# asked what something does or is like (作用, 症状, 由来, 特点): the answer is told, in a clause or more, not named
_DESCRIBED = re.compile(r"作用|症状|由来|来由|来历|原因|特点|特征|特色|影响|意义|机制|区别|差别|习性|内容|过程|经过|目的|功能|用途"
                        r"|好处|贡献|理由|缘故|什么样|怎么样|怎样")
_LISTS = re.compile(r"[^、，,]+、[^、，,]+、|包括|分别|[：:]\s*\S+[，,、]")  # three items or more, 包括, 分别, a colon
_LISTING = re.compile(r"都有谁|都有哪些|有哪些|哪些|哪几|分别|(?<!第)几次|多少次|都是谁|都有什么")
# what a distance names as an event (200米自由泳, 10公里越野赛), not a size (130米高的辅塔)
_EVENTS = r"(?:跑|自由泳|蛙泳|仰泳|蝶泳|混合泳|泳|栏|接力|赛|项目|步枪|手枪|跳台|跳板|冠军|竞走|越野|徒步|马拉松)"
_ITEM = re.compile(r"第\d+[\u4e00-\u9fff]|\d+(?:期|号线|号(?![\d线])|届|季度)|\d{4}年\d{1,2}月\d{1,2}日|\d{4}年(?!\d{1,2}月)|"
                   r"\d{1,2}月\d{1,2}日|(?<![a-z])[a-z]{2,}\d+[a-z]?(?![a-z\d])|"  # ... and a model: Model 3, iPhone15
                   r"(?<![\d.])\d+(?:(?:米|公里|千米)(?=[\u4e00-\u9fff]{0,2}" + _EVENTS + ")|公斤|千克|英寸|周年|人制)|"  # ... or an event: 200米跑
                   r"(?<![\d一二三特])(?:[1-3一二三特]等|金|银|铜)奖")  # ... or a prize: 一等奖
_YEAR_ASKED = re.compile(r"哪一?年|几几年|什么年份|哪个年份|年份是")
_YEARLIKE = re.compile(r"\d{1,4}\s*年|[〇零一二三四五六七八九十百]{1,4}年|[今去前明同次当元末初]年|年代|世纪|年间|\d{4}")
# a colour asked for, and how an answer says one (褐色, 淡绿色)
_TRAITS = (
    (re.compile(r"什么颜色|颜色是什么|颜色为何|什么色|哪种颜色|何种颜色|颜色是怎样"), re.compile(r"[\u4e00-\u9fff]色")),
)
_TIME_ASKED = re.compile(r"几点|什么时刻|几时几分")
_CLOCK = re.compile(r"\d{1,2}\s*[时点]|\d{1,2}:\d{2}|[上下中]午|凌晨|清晨|早上|晚上|傍晚|夜间|深夜|午夜|黎明")
DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
YEAR = re.compile(r"(\d{4})年")
_QUOTED = re.compile(r"[“「『《\"]([^”」』》\"]{2,30})[”」』》\"]")
# 什么是九号风球, 半透膜指的是什么: the thing to define is named whole (not 四位 for 从四位)
_DEFINED = re.compile(r"^(?:请问)?什么是([^，,的？?\s]{2,12})[？?]?$|^([^，,的？?\s]{2,12})(?:指的是|是指)什么[？?]?$")
_GENERIC_END = re.compile(r"(?:政策|制度|机制|模式|规定|办法|理论|现象|概念)$")
_SHORT_TITLE = re.compile(r"《[^》]》")  # 《瞄》: a one-character title is looked for with its brackets

# What each kind of answer looks like in a sentence.
_COUNT = re.compile(r"(?:\d+(?:[.,]\d+)*|[一二两三四五六七八九十百千]+)\s*(?:多|余|来|几)?\s*[万亿千百]*\s*(?:多|余)?")
_CURRENCY = re.compile(r"[$¥￥]\s*\d")
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万亿]+[" + MEASURES + r"%]|第[一二两三四五六七八九十百千]+|半数|过半|翻番")
BYLINE = re.compile(r"[（(]\s*(?:记者|通讯员|实习生|见习记者|特约记者)[^）)]{0,30}[）)]|(?:本报)?记者\s*[\u4e00-\u9fff]{2,3}(?:\s+[\u4e00-\u9fff]{2,3})*\s*(?:报道|摄)")
# a cause said to be unknown (尚未查询到……的具体原因, 原因不明) gives none
_NO_CAUSE = re.compile(r"(?:尚未|暂未|还未|没有|并未|未能|未)(?:查[询明清到]|公布|披露|透露|说明|找到|确定|查出)[^，。；]{0,12}"
                       r"(?:原因|起因|死因|诱因|缘由)|(?:原因|起因|死因|诱因)(?:尚|仍|还|目前)?(?:不明|不清楚|未明|不详|未知|待查|有待|正在调查|仍在调查|尚在调查)")
# what is yet to happen (不久将择期首飞, 尚未开通): a report's date is not its date
UNDONE = re.compile(r"择期|择日|即将|尚未|还未|还没|未能|待定")
FORECAST = re.compile(r"预计|预期|预测|有望|计划|目标|力争|将达|将超|将(?:上涨|下降|增长|增加|减少|突破|提高|回落)")
_PREDICTS = re.compile(r"预计|预期|预测")  # ... and governs the clauses after it (预计，……同比涨幅为3.3%)
_ORDINAL = re.compile(r"第\s*(?:\d+|[一二两三四五六七八九十百千]+)")
_ORDINAL_ASKED = re.compile(r"第几|第多少|排名|名次|排行|几号|哪一?号")
_CALENDAR = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|"
                       r"\d{1,2}\s*时(?:\s*\d{1,2}\s*分)?|\d{1,2}:\d{2}|(?<![\d.])\d{1,2}\s*月份?|(?<![\d.])\d{1,2}\s*日")  # a date, a month or a time of day, never 多少
_DATE = re.compile(r"\d{1,4}\s*[年月日号]|\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?|\d{1,2}:\d{2}|[昨今前明]天|[今去前明]年|上午|下午|晚上|日前|近日|上旬|中旬|下旬|春节|元旦|国庆|"
                   r"世纪|年代|时期|期间|朝|以来|之后|之前|当天|当年|同年|次年|[春夏秋冬]季|[一二三四]季度|时代|年间|末|初|中期|后期|早期|晚期|[一二两三四五六七八九十]+年|年底|年内|月底|月内|"
                   r"[一二三四五六七八九十]+月|夜间|夜里|夜晚|白天|清晨|凌晨|傍晚|黄昏|当日|年前|之际|时$")
_ROLE = re.compile(r"(书记|市长|县长|镇长|区长|主任|局长|部长|厅长|省长|主席|院士|博士|教授|董事长|总经理|经理|负责人|"
                   r"记者|通讯员|队长|校长|院长|会长|委员|代表|主持人|创始人|总裁|导演|作者|总监|站长|所长|社长|馆长|老师|先生|女士|\d0后|"
                   r"领导|同志|选手|运动员|演员|歌手|画家|作家|诗人|国王|皇帝|总统|首相|将军|人|者|们|族|氏|王|帝|皇后|王后|太后|公|侯|"
                   r"·|[A-Za-z]{2,}|公司|集团|协会|学会|乐队|组合|团体|出版|政府|委员会|大学|学院|银行)")  # 西蒙·纽康, Beyond, 母佑会
_PLACE = re.compile(r"[省市县区镇乡村街路道巷港湾园城馆楼厦场站岛山河湖江海州国洲府宫寺院台於]|位于|坐落|地处|在[\u4e00-\u9fff]{2,}|"
                    r"中心|基地|开发区|社区|小区|广场|大道|地区|境内|附近|一带|东|西|南|北|于|上|里|内|《")
_REASON = re.compile(r"因|由于|所以|为了|旨在|原因|导致|以便|使得|得益于|为此|目的|缘于|出于|针对|解决|问题|需要|需求|故|遭|鉴于|随着|以免|避免|于是|致使|以致|为由|闻名|之所以")
_METHOD = re.compile(r"通过|采取|采用|实施|开展|推行|建立|设置|利用|推进|加强|组织|打造|创新|落实|完善|引导|借助|依托|用|以")
_UNIT_AFTER = re.compile(rf"(?:几|多少)([{MEASURES}]|名|户|支|辆|台|吨|亩|米|公里|平方米|立方米|股|{COUNTERS})(?![口员数称单代级庭族籍气码])")
LENGTHS = r"米|m|公里|公尺|公分|英[尺呎寸里]|尺|寸|里"
# a unit the question names, and the units a report may answer it in (多少家 ← 28间; 多少人 ← 150万)
_SAME_UNITS = {"家": "家|间|所|个", "间": "间|家|个", "所": "所|间|家|个", "人": "人|名|位|万|亿", "名": "名|人|位|万",
               "位": "位|名|人", "座": "座|个", "首": "首|篇", "篇": "篇|首", "度": "度|℃|°", "户": "户|家|万",
               "米": LENGTHS, "公里": LENGTHS, "辆": "辆|台", "台": "台|辆|部", "部": "部|台",
               "宗": "宗|起|例|件", "例": "例|起|宗|件", "起": "起|宗|例|件", "栋": "栋|幢|座", "幢": "幢|栋|座"}
_NOT_A_LENGTH = re.compile(r"含量|浓度|温度|气温|价|率|指数|分数|水平|收入|均值|湿度|频率")  # 硒含量有多高: no height
_UNIT_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:涨|跌)了?多少"), r"%|成|倍|百分点|元"),  # a price that rose or fell: by a share, or by money
    (re.compile(r"多高|高度"), LENGTHS + r"|层"), (re.compile(r"多长|长度|多远|距离"), LENGTHS + r"|小时|分钟|天|年"),
    (re.compile(r"多大年纪|年龄|几岁|多少岁"), r"岁|高龄|年纪"), (re.compile(r"比例|比重|占比|百分之|率"), r"%|成|分之|半"),
    (re.compile(r"多久|多长时间"), r"年|月|天|小时|分钟|周|秒"),
    (re.compile(r"体长|身长|全长|总长|身高|体高|海拔"), LENGTHS), (re.compile(r"体重|重量|多重"), r"克|斤|吨|磅"),
    (re.compile(r"面积"), r"平方|亩|公顷|㎡|m2|m²"),
    (re.compile(r"投资|资金|金额|总额|规模|(?<![浪消])费(?!者)|收入|产值|营收|价|多少钱|薪|工资|奖金|罚款|罚金|悬赏|彩礼|赔偿|报酬|成本|利润|销售额|营业额"),
     r"元|亿|万|英镑|\$|¥|￥"),  # money, never 103亩
)


def fold(text: str) -> str:
    """Fold the spellings a question and a report may use for one thing (numerals, 首家, 亿元, 我市 …)."""
    text = _numerals(text.lower().translate(_FULLWIDTH))
    text = _FIRST.sub("第1", text)
    text = _CN_NUMBER.sub(_arabic, text)
    text = _THOUSANDS.sub(lambda m: str(int(m.group(1)) * 1000), text)  # 6千元 is 6000元
    for variant, canonical in VARIANTS:
        text = text.replace(variant, canonical)
    text = _CASE_ORDINAL.sub(r"\1起", text)  # 首例, 第一起 and 第一宗 案件 are one
    return re.sub(r"\s+", "", text)


def _numerals(text: str) -> str:
    """Text with a sum in financial numerals in everyday ones (壹万元 as 一万元)."""
    return _CAPITALS.sub(lambda m: m.group(0).translate(_CAPITAL_DIGITS), text)


def _arabic(match: re.Match[str]) -> str:
    prefix = match.group(1) or match.group(3) or ""
    numeral = match.group(2) or match.group(4)
    value = chinese_number(numeral)
    return f"{prefix}{value}" if value is not None else match.group(0)


def chinese_number(numeral: str) -> int | None:
    """Read a Chinese numeral below ten thousand (``十六`` 16, ``二〇二三`` 2023, ``一百零五`` 105)."""
    if all(ch in _DIGITS for ch in numeral):  # digit by digit: 二〇二三
        return int("".join(str(_DIGITS[ch]) for ch in numeral)) if len(numeral) > 1 or numeral in _DIGITS else None
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


@dataclass
class Question:
    """A question read for answering: its kind, the items it names, its words and the unit it expects."""

    text: str
    kind: str | None
    listing: bool
    items: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    focus: set[str] = field(default_factory=set)
    beyond: dict[str, str] = field(default_factory=dict)  # each focus word's next telling word on its side
    unit: re.Pattern[str] | None = None
    plain: set[str] = field(default_factory=set)  # the nouns and names jieba cut itself (not 达产, 弄混)
    wording: set[str] = field(default_factory=set)  # its verbs and modifiers (亏了, 愿意): a report words them its way
    places: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # what the question quotes (“红巢生活”, 《唐文粹》): found whole or not at all
    people: list[str] = field(default_factory=list)  # people it names (周军波): the passage must name them too
    asked: frozenset[str] = frozenset()  # the characters of the noun after 什么/哪个 (党派 in 哪个党派)
    trait: re.Pattern[str] | None = None  # asked a colour: how its answer reads (褐色)
    which: str = ""  # asked which one (哪家法院): the noun whose instance answers (黄冈市中级人民法院)
    counted: str = ""  # the noun a count ends the question with (报警器 in 多少个不合格燃气报警器)

    @property
    def several(self) -> bool:
        """Whether the text asks more than one question (是什么时候投产的？生产什么？)."""
        return len(re.findall(r"[？?]", self.text)) > 1

    @property
    def describes(self) -> bool:
        """Whether the answer is a description or an account (有什么作用, 为什么, 如何), not a name or a figure."""
        return self.kind in ("reason", "method") or self.kind is None and bool(_DESCRIBED.search(self.text))

    @property
    def needs_focus(self) -> bool:
        """Whether the answering sentence itself must name what is counted or dated (总投资, 开工)."""
        return self.kind in ("number", "date") and bool(self.focus)


def read_question(text: str, context: str = "") -> Question:
    """Read a question; ``context`` holds words carried from earlier turns (they locate, never decide)."""
    folded = fold(text)
    kind = next((name for name, pattern in _KINDS if pattern.search(text)), None)
    places, people, said = _names(text)
    own = [_uncounted(w, text) for w in question_words(text) if not ASKING.search(w) and w not in META_WORDS]
    carried = [w for w in question_words(context) if w not in own and not ASKING.search(w) and w not in META_WORDS] \
        if context else []
    return Question(
        text=text, kind=kind, listing=bool(_LISTING.search(text)), items=sorted(set(_ITEM.findall(folded))),
        words=own, focus=set(focus := _focus(text, own)), beyond=focus, unit=_unit(text), context=carried,
        plain=set(words(text)) - said, wording=said,
        places=places, people=people, trait=next((form for ask, form in _TRAITS if ask.search(text)), None),
        asked=frozenset(ch for ch in _asked(text) if ch not in _NOT_ASKED),
        which=_which(text) if kind is None else "", counted=_counted(text) if kind == "number" else "",
        names=[fold(n) for n in _QUOTED.findall(text) + _defined(text) if len(fold(n)) >= 2] + _SHORT_TITLE.findall(text),
    )


def _uncounted(word: str, text: str) -> str:
    """A word without the measure jieba glued to it after the question word (双鞋 in 多少双鞋: 鞋)."""
    if len(word) >= 2 and word[0] in MEASURES + COUNTERS and not dictionary_frequency(word) \
            and re.search(r"(?:多少|几)" + re.escape(word), text):
        return word[1:]
    return word


def pairs(text: str) -> set[str]:
    """The character pairs of text (how a long word is found in part, or a sentence is found repeated)."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def chinese(text: str) -> bool:
    """Whether every character of text is a Chinese character."""
    return all(is_cjk(ch) for ch in text)


def towns(text: str) -> list[str]:
    """The towns text names, each as the two characters before 镇/乡/街道 and the suffix (新埭镇, 山港镇)."""
    found = []
    for match in _TOWN_SUFFIX.finditer(text):
        name = text[max(0, match.start() - 2) : match.end()]
        if len(name) == 2 + len(match.group(0)) and chinese(name[:2]) and not set(name[:2]) & _NO_TOWN \
                and name[1] not in _BEFORE_NO_TOWN \
                and not _TOWN_SUFFIX.search(name[:2]):  # 罗店镇镇 (全镇 folded): no town 店镇
            found.append(name)
    return found


def _names(text: str) -> tuple[list[str], list[str], set[str]]:
    """Place names (平湖, 新埭镇) and people's names (周军波) the question is about: a passage about another
    place, or that does not name the person, does not answer it. Also the verbs and modifiers it uses (达产,
    弄混): a rare one is wording, not a name the passage must hold."""
    import jieba.posseg

    places, people, said = [], [], set()
    for piece in jieba.posseg.lcut(text):
        word = piece.word
        if piece.flag.startswith(("v", "a", "d")):
            said.add(word.lower())
        if len(word) < 2 or word in ASK_NOUNS:  # 籍贯 and 长度 name the kind asked (the dictionary tags them names)
            continue
        joined = _JOINED.search(word) and dictionary_tag(word) != "ns"  # not 阿尔及利亚, a place the dictionary knows
        if word not in _GENERIC_PLACES and not joined and (piece.flag == "ns" or _PLACE_NAME.match(word)):
            places.append(fold(word))
        elif piece.flag in ("nr", "nrfg", "nrt"):
            people.append(fold(word))
    places += [town for town in towns(fold(text)) if not any(town in place or place in town for place in places)]
    return places, people, said


def _focus(text: str, own: list[str], reach: int = 3) -> dict[str, str]:
    """The nearest telling word on each side of the question word: what the answer must be said about. Each maps
    to the next telling word beyond it on its side (展期 beyond 持续 in 展期持续到哪一天), said in its stead when
    the archive says the nearest everywhere. A rate's base (每十万人) is passed over: it is no thing counted."""
    pieces = [p.lower() for p in cut(text)]
    pieces = [p for i, p in enumerate(pieces) if p != "每" and (i == 0 or pieces[i - 1] != "每")]
    telling = {w for w in own if len(w) > 1 and w not in ASK_NOUNS and w not in _NOT_FOCUS and not _COUNTED.match(w)}
    found: dict[str, str] = {}
    for i, piece in enumerate(pieces):
        if not ASKING.search(piece):
            continue
        for step in (1, -1):
            near = [pieces[j] for j in range(i + step, i + step * (reach + 2), step) if 0 <= j < len(pieces)]
            said = [w for w in near if w in telling]
            if said and said[0] in near[:reach]:
                found[said[0]] = said[1] if len(said) > 1 else ""
    return found


def _asked(text: str) -> str:
    """The noun right after 什么/哪个 (时期 in 什么时期), when one follows."""
    pieces = cut(text)
    for i, piece in enumerate(pieces[:-1]):
        if _WHICH.match(piece) and chinese(noun := pieces[i + 1]) and noun not in _NOT_ASKED:
            return noun
    return ""


def _counted(text: str) -> str:
    """The noun a count ends the question with (多少个不合格燃气报警器: 报警器; not 几个属生存到中新世, which goes on
    with a verb)."""
    import jieba.posseg

    match = _COUNT_ENDS.search(text)
    pieces = jieba.posseg.lcut(match.group(1)) if match else []
    if not pieces or any(piece.flag.startswith("v") for piece in pieces) or not pieces[-1].flag.startswith("n"):
        return ""
    return pieces[-1].word if len(pieces[-1].word) >= 2 else ""


def _which(text: str) -> str:
    """The noun after 哪家/哪个/哪座 (法院 in 哪家法院, 山 in 哪座山上)."""
    match = _WHICH_ONE.search(text)
    noun = cut(match.group(1))[0].rstrip("上里中内") if match else ""
    return noun if chinese(noun) and noun not in _NOT_ASKED else ""


def names_instance(question: Question, text: str) -> bool:
    """Whether text names one of what the question asks which of (江汉分局 for 哪个公安分局, 凤鸣山 for 哪座山; not
    该法院, 一所学校 or the question's own 摄影作品)."""
    noun, asked = question.which, fold(question.text)
    tail = noun if noun in text else noun[-2:] if len(noun) > 2 else ""
    for match in re.finditer(re.escape(tail), text) if tail else ():
        before = text[max(0, match.start() - 2) : match.start()]
        if len(before) == 2 and chinese(before) and fold(before) not in asked and not set(before) & _DETERMINERS:
            return True
    return False


def _defined(text: str) -> list[str]:
    """What a question asks to define (九号风球 in 什么是九号风球)."""
    match = _DEFINED.search(text)
    if not match:
        return []
    named = match.group(1) or match.group(2)  # 认房不认贷政策: the thing is 认房不认贷, a report may call it otherwise
    return [_GENERIC_END.sub("", named) if len(_GENERIC_END.sub("", named)) >= 2 else named]


def _unit(text: str) -> re.Pattern[str] | None:
    if match := _UNIT_AFTER.search(text):
        unit = match.group(1)
        if unit not in "个次年月日天":  # too general to require
            return re.compile(_SAME_UNITS.get(unit, re.escape(unit)), re.I)
    for hint, units in _UNIT_HINTS:
        if hint.search(text) and not (units.startswith(LENGTHS) and _NOT_A_LENGTH.search(text)):
            return re.compile(units, re.I)
    return None


def holds_kind(question: Question, text: str) -> bool:
    """Whether text holds the kind of fact the question asks for (a number with a fitting unit, a person …)."""
    kind = question.kind
    if kind == "reason":
        return not _NO_CAUSE.search(text)
    if kind == "number":
        text = _numerals(text)
        if question.unit is None:
            text = text if _ORDINAL_ASKED.search(question.text) else _ORDINAL.sub("", text)  # 第7部 counts nothing
            return bool(_NUMBER.search(_CALENDAR.sub("", text)))
        unit = question.unit
        if unit.search("$") and _CURRENCY.search(text):
            return True  # $4.9: the sign before the sum
        return any(unit.search(text, m.start(), m.end() + 3) for m in _COUNT.finditer(text) if m.group(0))
    if kind == "date":
        if (undone := UNDONE.search(text)) and not _DATE.search(text, undone.end()):
            return False  # 近日宣布……不久将择期首飞: the date is the announcement's
        if _YEAR_ASKED.search(question.text):  # 哪一年: a year, never 11号 alone
            return bool(_YEARLIKE.search(text))
        if _TIME_ASKED.search(question.text):  # 几点: a time of day, not the date alone
            return bool(_CLOCK.search(text))
        return bool(_DATE.search(text))
    if kind == "person":
        text = BYLINE.sub("", text)  # the reporter is no answer to 谁
        return bool(_ROLE.search(text)) or _has_name(text)
    if kind == "place":
        return bool(_PLACE.search(text))
    if question.trait is not None:  # asked a colour: 褐色 beyond the question's own words (颜色, 体色)
        return bool(question.trait.search(beyond_words(question, text)))
    return True


def asks_clock_or_year(question: Question) -> bool:
    """Whether a date question asks the year (哪一年) or the time of day (几点): a report's date does not say it."""
    return bool(_YEAR_ASKED.search(question.text) or _TIME_ASKED.search(question.text))


def beyond_words(question: Question, text: str) -> str:
    """Text without the question's own words of two characters or more, longest first (what it says beyond them)."""
    for word in _longest_first(tuple(question.words)):
        text = text.replace(word, "")
    return text


def restates(question: Question, text: str) -> bool:
    """Whether text holds nothing but the question's own words (因此……并非完整的主权国家)."""
    return len(_FILLER_CHARS.sub("", fold(beyond_words(question, text)))) <= RESTATED_CHARS


def fills_slot(question: Question, folded: str) -> bool:
    """Whether (folded) text says the question's own words around something in place of its question word (参加了谁
    的专辑: 参加了滨田省吾的专辑; 由谁创作: 由七海鸣创作), the answer standing where the question asks: a name, or for
    a number, date or place something of that kind (多在沿岸地区出没 is no time)."""
    slot = _slot(question.text)
    match = slot.search(folded) if slot is not None else None
    if match is None:
        return False
    return question.kind in (None, "person") or holds_kind(question, match.group(1))


@lru_cache(maxsize=256)
def _slot(question_text: str) -> re.Pattern[str] | None:
    """The pattern of a question's words either side of its question word, read once per question."""
    folded = fold(question_text)
    match = _WH.search(folded)
    if match is None:
        return None
    before, after = folded[: match.start()], folded[match.end() :]
    left = before[-1:] if before[-1:] in _SLOT_PREPOSITIONS else before[-2:]
    right = after[:2]
    if not (_SLOT_WORD.fullmatch(left) and _SLOT_WORD.fullmatch(right) and len(right) == 2):
        return None
    return re.compile(re.escape(left) + r"([^，。；,;！？!?]{1,16}?)" + re.escape(right))


def says_nothing(question: Question, text: str) -> bool:
    """Whether text holds no character beyond the question's own and filler (目前是亚洲最大的古动物博物馆 asked
    which museum is Asia's largest; a name with empty brackets, 伊维卡·奥利奇（，；）)."""
    return not _own_chars(question.text).sub("", fold(text))


@lru_cache(maxsize=256)
def _own_chars(question_text: str) -> re.Pattern[str]:
    """Anything but a word's character, and the question's own characters and filler: read once per question."""
    return re.compile(r"[^\u4e00-\u9fff0-9a-z]|[" + re.escape(fold(question_text + FILLER)) + "]")


@lru_cache(maxsize=256)
def _longest_first(words: tuple[str, ...]) -> list[str]:
    return sorted((w for w in words if len(w) > 1), key=len, reverse=True)


def forecast_only(question: Question, text: str) -> bool:
    """Whether every figure of text is a forecast or a plan (预计……20万人) when the question asks what happened:
    no answer to 增加了多少 (a question asking 预计多少 takes it)."""
    if question.kind != "number" or FORECAST.search(question.text):
        return False
    figures, governed = [], False
    for clause in re.split(r"[，,；;。]", text):
        governed = governed or bool(_PREDICTS.search(clause))
        if _NUMBER.search(_CALENDAR.sub("", clause)):
            figures.append(governed or bool(FORECAST.search(clause)))
    return bool(figures) and all(figures)


def kind_hint(question: Question, text: str) -> bool:
    """Whether text gives a reason or a way, as 为什么/怎么 ask, or lists, as 有哪些 asks (a hint for ranking:
    reports say why in many ways)."""
    if question.kind == "reason":
        return bool(_REASON.search(text))
    if question.kind == "method":
        return bool(_METHOD.search(text))
    if question.kind is None and question.listing:
        return bool(_LISTS.search(text))
    return holds_kind(question, text)


def names_asked(question: Question, text: str) -> bool:
    """Whether text (what a clause says beyond the question's own words) shares a character with the noun asked
    for (民主党 for 哪个党派)."""
    return any(ch in text for ch in question.asked)


def _has_name(text: str) -> bool:
    import jieba.posseg

    return any(piece.flag in ("nr", "nrt", "nrfg", "nt") and len(piece.word) >= 2 for piece in jieba.posseg.lcut(text))
