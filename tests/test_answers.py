"""Answers a reader would sign: answerability, the answer first, lists, follow-ups, notices, what eval shows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.chunk import split_sentences
from qa.answer import Answerer
from qa.answer.compose import absolute_dates, excerpt, strip_opener, tidy
from qa.answer.extract import _adds, _answering_sentences
from qa.answer.gate import OFFICE, Candidate, split_at_gaps
from qa.answer.names import another_place, mend
from qa.answer.question import fold, forecast_only, holds_kind, names_asked, names_instance, read_question, towns
from qa.cli import main
from qa.evaluate import evaluate, first_sentence, load_questions
from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app

DATA = Path(__file__).parent / "data"

MEETING = """2023年4月7日◆星期五

总第5153期

## 市十六届政府第十六次常务会议召开

■记者 林旭东

本报讯 昨天上午，市长周军波主持召开市十六届政府第十六次常务会议。副市长戴建忠出席会议。会议审议了独山新材料产业园污水处理费调价方案。

## 面包车超员案宣判

本报讯 新丰法院日前判决被告人刘某犯危险驾驶罪，判处拘役2个月，并处罚金6000元。

## 新丰自来水厂扩建

本报讯 新丰自来水厂扩建工程总投资1.5亿元，建成后日供水能力将提高一倍。

## 新仓镇首家民营研究院揭牌

本报讯 近日，新仓镇首家民营研究院——领智产业技术研究院揭牌成立，研究院由三家企业共同出资约二亿元建设。市委书记仲旭东出席揭牌仪式。
"""

EARLIER = """2022年6月28日◆星期二

总第4961期

## 市政府召开第五次常务会议

本报讯 昨天，市长周军波主持召开市十六届政府第五次常务会议。副市长戴建忠出席会议。会议研究了城际铁路建设。

## 面包车超员司机被判刑

本报讯 核载6人的面包车挤下20人，新丰法院判决司机刘某犯危险驾驶罪，并处罚金6千元。

## 光伏产业园项目开工

本报讯 昨天，平湖光伏产业园项目正式开工，项目总投资12亿元，计划两年内建成投产。市委书记祁海龙出席开工仪式。
"""

UNDATED = """## 垃圾分类工作成效明显

今年以来，我市全面落实垃圾分类各项目标任务，1至5月全市生活垃圾总量增幅为-3.5%，城市生活垃圾分类处理率为92.04%。

## 新丰镇粮食增产

相比2015年，新丰镇粮食总产量增加了12%。

## 新丰食品半年报

新丰食品2023年上半年实现营业收入约7.37亿元。

## 新丰就业报告

下周，新丰镇将公布7月就业报告，市场普遍预计新丰镇7月新增就业岗位200个。

## 汽车产业项目签约

此次合作将助推新能源汽车产业链的高质量发展，促进平湖汽车产业可持续、高

市委书记仲旭东在讲话中说，平湖地理位置优越，处在4个万亿城市的中心，是浙江接轨上海的第一站。
"""

NAMES = """2023年5月9日◆星期二

总第5170期

## 志愿服务队伍不断壮大

本报讯 社区组建了一支“红旗先锋队”志愿服务队，目前队伍人数在260人左右。去年，社区又推出“红旗生活”便民服务品牌。

## 鑫海一号卫星投入使用

本报讯 鑫海一号通信卫星由工程师张伟领衔设计，于去年发射升空。

## 胸斑雀鲷在海洋馆亮相

本报讯 胸斑雀鲷体长可达12厘米，喜欢栖居在珊瑚礁斜坡。城区现有28间海鲜餐馆。

## 紫冠雉落户动物园

本报讯 紫冠雉是一种凤冠雉，近日落户市动物园，园方为它们新建了一座鸟舍。牠们主要呈深褐色，颈部有白色斑点。

## 蓝纹鹦嘴鱼入驻海洋馆

蓝纹鹦嘴鱼，又名青衣鱼，俗名鹦哥，为鹦哥鱼科的一种。本鱼分布于西太平洋区的珊瑚礁海域。以啃食水底的藻类为食。

## 乡贤许文山

许文山，字维之，号化州，清代学者。广东海阳人。曾主持修撰县志。

## 新药依那单抗获批上市

依那单抗（商品名瑞体肤）是银屑病的治疗用药，由默克公司研制，2003年在美国获批上市，是一种抗CD11a的单株抗体制剂，其作用机制是辨识白血球上的CD11a抗原，使白血球与其他细胞附著的能力降低，从而抑制其免疫作用。

## 音乐人梁邦彦

梁邦彦的音乐风格多变，包含爵士音乐、古典音乐等。1986年，他参加了滨田省吾的专辑的音乐录制。

## 电视剧回顾

香港演员冯丽华主演的《武则天》曾在当时引起风潮轰动，收视率居高不下。

## 海洋馆新添鱼种

黄尾阿南鱼，又称北斗鹦鲷，为隆头鱼科的一种。本鱼分布于西太平洋。栖息水深5至20公尺。寿命可达8年。

## 电话本版权案宣判

1991年，美国最高法院在费斯特出版公司诉乡村电话公司案中认为，按字母顺序排列的电话本连最低程度的创造性都满足不了，这样排列是该行业的传统实践，虽然出版公司花费大量心血收集这些数据，但是并没有体现任何创造性，因而不受版权法的保护。

## 社区文艺骨干尚恩

本报讯 社区文艺骨干尚恩今年六十岁，最大的爱好是书法，每天清晨都在文化礼堂练字。

## 嘉善南站

嘉善南站是沪昆客运专线的一个车站，位于嘉善县大云镇。车站设置侧式站台2座，到发线2条。嘉兴市政府曾积极争取设站。

## 新丰镇

新丰镇面积127平方公里，人口8.57万。镇上的文化礼堂于2021年5月交付使用。

## 异地购房提取公积金服务上线

本报讯 近日，异地购房提取公积金服务成功上线，并不改变试点城市原有政策。根据相关规定，上海市、南京市、嘉兴市、芜湖市4个试点城市的职工可以在线申请。

## 杂志社赞助读书节

本报讯 《文化周刊》杂志今年赞助了读书节、音乐节等文化活动。

## 新园区通过认定

本报讯 新丰园区为民营小微企业园,园区规划占地面积103亩,规划建筑面积15万平方米,项目总投资3.5亿元,其中一期已经建成。

## 汽车产业链党建联盟成立

本报讯 近日，我市成立了汽车产业链党建联盟。接下来，党建联盟将重点实施好三项机制，即组建红色联盟、建立运行机制、打造服务平台。

## 保税区党建联盟成立

本报讯 保税区党建联盟昨天成立，23家单位成为首批成员，将围绕以“党建链”赋能“产业链”，实现党建共建、优势共享。

## 我市两项节水案例上榜

本报讯 日前，省水利厅公布了节水行动十佳案例，我市新丰化工基地、新丰农业公司两项节水实践案例入围。新丰化工基地的中水回用项目于2017年投用。五年来实现节水391万立方米，减少污水排放284万立方米。

## 新丰镇图书馆开放

本报讯 新丰镇图书馆工作日开放时间为上午9点到下午5点。图书馆周末开放时间延长到晚上9点。馆内藏书两万册。

## 新丰机床项目签约

本报讯 新丰机床项目昨天签约。项目由新丰机床厂与平湖精工联合开发。项目计划于2022年年底投产，待全部达成后，预计年销售额将超40亿元。

## 两镇推进农村污水改造

本报讯 新丰镇和林埭镇今年推进农村污水改造。今年林埭镇对全镇13个行政村开展改造，受益农户约3500户。新丰镇的改造明年启动。

## 新丰电机工厂投产

本报讯 新丰电机（浙江）有限公司是我市驱动电机生产领域第一家“吃螃蟹”的外资企业，公司第二工厂于2019年5月正式投产，主要生产新能源汽车和混合动力汽车的驱动电机。

## 新丰环保8月4日行情

8月4日，新丰环保收盘价为6.40元，下跌0.7%。

## 新丰环保8月2日行情

8月2日，新丰环保收盘价为6.48元，下跌1.07%。

## 新丰乡修路

本报讯 新丰乡党委书记王建国表示，进村主路将于年内铺成水泥路。

## 新丰镇首位女站长

本报讯 据介绍，在新丰镇历任的十多位站长中，2020年从外地调任来到新丰镇工作的李秀英最为触目，只因她成为了新丰镇首位女站长，也是全市最年轻的站长之一，深受群众好评。

## 老纸币展出

本报讯 新丰币（符号：XF；编号：XFB）是一种清末的老纸币，近日在民俗馆展出。

## 化妆师张丽

1995年，张丽在学期间，一部外地电影到平湖拍摄，张丽曾在片场打工，担任化妆师助手，生平第一次接触电影化妆的经验令张丽十分惊奇，从此立志做化妆师。

## 王晓东

王晓东，平湖新埭人，知名越剧演员，2019年获评省级非遗传承人。王晓东在本地电视台也参与过电视剧演出。

## 新丰越剧团排新戏

本报讯 新丰越剧团的新戏《田园》由Beyond Band配乐。剧团团长周晓芸在家中排行第三。新丰夜市的小吃摊多于夜间营业。

## 新丰水厂扩建进展

本报讯 记者昨天从新丰自来水厂获悉，总投资1.5亿元的扩建工程已完成主体施工。

## 新丰农业科学研究所育成新稻种

本报讯 新丰农业科学研究所日前育成水稻新品种“新丰9号”，亩产可达650公斤。

## 南渡村召开党员大会

本报讯 南渡村党总支副书记沈兰在会上通报了上半年村里的工作。

## 新丰县人事任免

本报讯 县政府日前决定，免去王刚的新丰县交通局局长职务。

## 各省经济半年报

本报讯 河南、江苏等省日前公布上半年经济数据。上半年江苏全省实现生产总值6.05万亿元，同比增长6.6%。

## 浙江经济半年报

本报讯 浙江省抢抓疫后经济恢复的重要窗口期，坚持稳字当头、稳中求进，全力以赴拼经济、促发展，全省经济运行稳中向好、稳中有进，上半年完成地区生产总值3.13万亿元、同比增长3.8%。

## 新丰站列车晚点

本报讯 昨天凌晨，邻县发生4.5级地震。受此影响，途经新丰站的多趟列车晚点。

## 新丰中学人事调整

本报讯 王强因工作调动，不再担任新丰中学校长职务。

## 新丰镇运动会游泳比赛

本报讯 新丰镇运动会昨天举行游泳比赛，男子400米自由泳冠军由李强获得，成绩为5分10秒。

## 新丰科技园引进芯片企业

本报讯 新丰科技园今年引进三家基于Arm架构设计芯片的企业。

## 新丰芯片公司营收增长

本报讯 新丰芯片公司上一财年营收达12亿元，同比增长30%。

## 新丰电动车发布新车

本报讯 新丰电动车公司昨天发布两款新车，其中Model X售价20万元，续航里程为500公里；Model 3将于明年上市。

## 新丰老桥将拆除重建

本报讯 新丰老桥建于上世纪六十年代，桥面狭窄，近年来桥墩多次出现裂缝，经检测已属危桥。因此新丰镇政府决定今年拆除新丰老桥，在原址新建一座更宽的新桥。

## 新丰老街启动改造

本报讯 新丰老街是平湖现存最完整的清末街区之一，街上的房屋大多建于清末，木结构老化严重，电线私拉乱接现象普遍，存在较大的消防隐患，因此新丰老街今年启动改造，预计明年年底前完工，改造后将引入文创商铺和民宿，沿街商户和居民都很期待。

## 新丰镇评出十佳家庭

新丰报讯（记者李明）新丰镇近日评出十佳家庭，颁奖仪式在文化礼堂举行。应聘礼堂管理员需在同类单位任职满2年。今年新丰镇粮食产量约2200万吨。粮食价格一年来上涨超过11%。

## 新丰救援队驰援灾区

本报讯 新丰救援队先后组织20多名救援队员奔赴灾区，帮助群众撤离。

## 新丰消防站转移病人

本报讯 接到报警后，新丰消防站出动6名消防员赶赴现场，转移一名瘫痪病人。

## 新丰文化馆

新丰文化馆，最初称为新丰书院，其后更名新丰文庙，是平湖一所百年老馆，供奉历代乡贤，位于新丰镇老街与河滨路交界，背靠新丰小学，由镇文化站管理，每年接待游客逾十万人次，是省级文物保护单位。

## 新丰公交3路

新丰公交3路途经：东山一路、东山二路、东水一路、东水二路、东林一路、东林二路、东田一路、东田二路、东湖一路、东湖二路、东园一路、东园二路、东桥一路、东桥二路、东港一路、东港二路、西山一路、西山二路、西水一路、西水二路、西林一路、西林二路、西田一路、西田二路、西湖一路、西湖二路、西园一路、西园二路、西桥一路、西桥二路、西港一路、西港二路、南山一路、南山二路、南水一路、南水二路、南林一路、南林二路、南田一路、南田二路、南湖一路、南湖二路、南园一路、南园二路、南桥一路、南桥二路、南港一路、南港二路、北山一路、北山二路、北水一路、北水二路、北林一路、北林二路、北田一路、北田二路、北湖一路、北湖二路、北园一路、北园二路、北桥一路、北桥二路、北港一路、北港二路、中山一路、中山二路、中水一路、中水二路、中林一路、中林二路、中田一路、中田二路、中湖一路、中湖二路、中园一路、中园二路、中桥一路、中桥二路、中港一路、中港二路。

## 新丰剧场排新戏

本报讯 《我的家乡！》是新丰越剧团的新戏，由周晓芸主演。

## 新丰大桥通车

本报讯 新丰大桥昨天建成通车，大桥长1.2公里，设双向4车道。

## 新丰镇引种榅桲

本报讯 新丰镇农户引种的榅桲今年首次挂果，其果实可以入药，能治疗肠虚、水泻。

## 新丰古船馆

新丰古船馆位于新丰镇老街，由一座清代粮仓改建。目前是全省最大的古船博物馆。

## 新丰书画院

新丰书画院是一所民办书画培训机构，由画家陈明于2015年创办，学员多为退休职工。书画院位于新丰镇老街12号，毗邻文化礼堂。

## 新丰黄鳝

新丰黄鳝是新丰镇的特色水产，俗名田鳗，已有三百多年养殖历史。黄鳝以小鱼、蚯蚓为食，多在夜间出洞觅食。

## 新丰渡口停航

本报讯 新丰渡口自1958年起通航，六十多年来一直是两岸村民往来的主要通道，但由于上游的公路桥建成后过河的车辆和行人大多改走公路桥，所以客流锐减、连年亏损的新丰渡口于今年3月起正式停航，原有渡船将交由镇文化站保存展示。

## 散文集《江南好》出版

本报讯 《江南好》的作者在后记中说，这本书前后写了整整三年。这本散文集由本地作家沈秋月创作，近日由浙江文艺出版社出版。

## 新丰老粮站拆除

新丰老粮站建于上世纪五十年代，曾是全镇最大的粮食仓库。老粮站近期将被拆除。粮站的房屋年久失修，已被鉴定为危房。

## 新丰月亮桥修缮完工

本报讯 新丰镇的月亮桥建于清代，是镇上现存最古老的石拱桥，今年完成修缮。月亮桥因桥洞倒映水中形如满月而得名。

## 河埠头

《河埠头》是新丰作家陈墨创作的长篇小说，写一个江南小镇的百年变迁。这部小说曾获第三届江南文学奖。

## 单斑笛鲷

单斑笛鲷俗名黑记，是笛鲷科的一种海水鱼。本鱼分布于印度太平洋区。本鱼体长可达60公分，栖息在珊瑚礁海域。

## 暑期托管班开班

本报讯 7月10日，嘉善县宝塔街道暑期托管班在街道社区服务中心开班，首批学员在志愿者带领下参观了社区图书室和消防站。托管班面向辖区内双职工家庭的小学生，每天上午安排作业辅导，下午开设书法、绘画、科普实验、游泳和篮球等兴趣课程，周五组织学生走进企业和农场开展社会实践。街道还为托管班配备了专职保育员和卫生员，每天为学生测量体温，提供午餐和午休场地，家长可以通过手机随时查看孩子的活动照片。开班仪式上，街道负责人介绍说，今年的托管班在去年试点的基础上扩大了规模，增设了两个教学点，课程也根据家长和孩子的意见作了调整，新增了急救知识、防溺水教育和传统手工艺等内容，让孩子们的暑假过得充实又安全。

不少家长在开班当天送孩子到教学点，一位家长说，以前暑假孩子只能在家看电视、玩手机，现在有老师看护，还能学到新本领，自己上班也放心了。志愿者队伍由辖区内的大学生、退休教师和社区工作者组成，他们在上岗前接受了安全和急救培训。街道还与辖区派出所、卫生院建立了联动机制，确保托管期间孩子们的安全和健康，遇到突发情况能够第一时间处置。

据介绍，托管班委托第三方公益组织新丰青年服务中心运营，今年共招收学生120名，分为低年级和高年级两个班。托管班将持续到8月25日，全部费用由街道承担，家长无需缴费。

## 新丰航空无人机完成地面测试

本报讯 新丰航空近日宣布，其首架货运无人机已完成各项地面测试，不久将择期首飞。

## 新丰环保股权被冻结

本报讯 近日，企业信用信息公示系统显示，新丰环保科技集团新增一则股权冻结信息，被执行人为新丰环保科技集团有限公司。新丰环保科技集团有限公司被冻结股权数额达2亿元，执行法院为嘉兴市中级人民法院。

## 新丰创投追加投资

本报讯 新丰创投宣布，将向新丰智能科技公司追加投资1亿元，用于新一代工业机器人的研发。

## 荷花摄影作品征集揭晓

本报讯 新丰湿地公园荷花摄影作品征集活动共收到作品300余幅，其中《晨曦》获二等奖，《归舟》获三等奖。

## 新丰交警整治货车违法

本报讯 整治行动中，新丰交警大队全面充实一线执勤力量，对大货车超限超载超速、抛洒滴漏等交通违法行为进行查处。截至8月12日，共教育司机78人。

## 新丰镇卫生资源

本报讯 新丰镇每十万人拥有执业医师235人，每千人拥有医院床位6张。

## 新丰书画联展开幕

本报讯 8月5日，新丰书画联展在新丰图书馆开幕，展出书画作品52幅。

## 新丰镇一建筑工地夜间施工造成光污染被城管处罚

本报讯 新丰镇一处建筑工地夜间施工造成光污染，城管执法部门对施工单位作出罚款人民币壹万元整的处罚。

## 新丰镇土壤硒含量均值高于全省平均水平

本报讯 新丰镇富硒资源丰富，土壤硒含量均值高达每千克1.33毫克。

## 婚内炒股案宣判

本报讯 法院认为，李某未经妻子同意，将卖房款用于炒股，结果亏损70余万元。

## 生态日党员干部捡拾垃圾

本报讯 正值首个全国生态日，新丰镇组织党员干部开展志愿服务活动。党员干部们来到凤鸣山上，一边沿着山路徒步而上，一边捡拾垃圾。

## 江南风电场增设测风塔

本报讯 江南风电场场区跨度长达1220米，为解决测风数据不稳定的问题，风电场在南北两座测风塔中间增设一座辅塔。

## 培训机构校长诈骗家长择校费

本报讯 由于开始实施“双减政策”，曾某慧的两所培训机构基本处于关门状态，于是她以帮小学生入学之名诈骗择校费。

## 新丰县富硒茶产业提质增效

本报讯 新丰县县长王燊介绍，近年来，新丰县坚持富硒茶首位产业不动摇，推动茶产业提质增效。

## 新丰花园小区加装电梯

本报讯 新丰花园小区位于平湖市当湖街道，今年小区加装电梯12部。

## 新丰镇开展燃气安全专项整治

本报讯 新丰镇综合执法中心开展燃气安全专项整治，重点打击安装不合格燃气报警器等现象，共收缴超期钢瓶12支。

## 厦门推进垃圾分类

本报讯 厦门将健全垃圾分类回收体系，到2025年，全市生活垃圾回收利用率达到45%以上。
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two dated issues and a page without a masthead, indexed with the fallback embedder."""
    folder = tmp_path_factory.mktemp("pages")
    for name, text in (("a.txt", MEETING), ("b.txt", EARLIER), ("c.txt", UNDATED), ("d.txt", NAMES)):
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings(index_dir=folder / "idx", embedding_model="hash", today=date(2024, 3, 1))
    build_services(settings).ingestor().run([folder])
    return settings


@pytest.fixture(scope="module")
def answerer(pages: Settings) -> Answerer:
    return build_services(pages).answerer()


def _first(text: str) -> str:
    return first_sentence(text)


# 1. Answerability ----------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "市十六届政府第十七次常务会议是谁主持的？",  # a neighbouring meeting
    "领智产业技术研究院占地面积多少亩？",  # another figure of the same subject
    "新仓镇驾校的学费是多少？",  # a fee the archive never printed
    "平湖地铁1号线什么时候开通？",  # a topic the archive does not hold
    "“红旗生活”志愿服务队目前大约有多少人？",  # a quoted name said elsewhere in the article, not where the figure is
    "鑫海二号通信卫星是由谁设计的？",  # a numbered sibling
    "背斑雀鲷体长可达多少厘米？",  # a sibling species: the name differs in its first characters
    "仲旭东主持召开的市政府常务会议是第几次？",  # a person the archive knows, but not from that meeting
    "交叉笛鲷体长可达多少公分？",  # a sibling of the species an article is titled, which it calls 本鱼
    "嘉兴南站有几条到发线？",  # a sibling station: the article on 嘉善南站 names 嘉兴 too
    "《潮》杂志赞助了哪些文化活动？",  # a one-character title the archive never printed
    "新丰镇今年农村污水改造受益农户有多少户？",  # the figure is 林埭镇's: the sentence names another town
    "新丰环保8月3日收盘价是多少？",  # a day the archive has no figure for, between two it has
    "新丰乡乡长是谁？",  # the report names the 党委书记, not the 乡长
    "新丰大桥总投资多少？",  # a figure of the bridge the report does not give: its length is no answer
    "新丰文化礼堂管理员的年薪是多少？",  # 满2年 is no pay
    "新丰环保2022年8月2日收盘价是多少？",  # the report of 8月2日 is from another year
    "新丰食品2022年上半年的营业收入是多少？",  # an undated report's figure of 2023, though 2022 holds reports
    "新丰救援队在灾区救出了多少人？",  # 20多名救援队员 counts the rescuers, not the rescued
    "新丰镇7月新增了多少个就业岗位？",  # the archive has only a forecast of it
    "什么是新丰公交5路？",  # asked to define a thing, the passage must name it whole: 3路 is another line
    "新丰电动车Model 3的续航里程是多少公里？",  # the range given is Model X's: a model's neighbour
    "Arm公司上一财年的营收是多少？",  # a name in Latin letters the report never says
    "新丰镇运动会男子200米自由泳冠军是谁？",  # the report names the 400米 winner: another event
    "南渡村党总支书记是谁？",  # the report names the 副书记
    "新丰县交通局新任局长是谁？",  # the report names the one removed (免去……职务)
    "河南上半年生产总值是多少？",  # the figure is 江苏's: the sentence names another province
    "新丰中学校长是谁？",  # the report tells who no longer is (不再担任)
    "平湖光伏产业园项目几点开工？",  # the report's date says the day, not the hour
    "新丰枇杷的果实有什么药用价值？",  # what is asked may be reworded, the subject's name may not
    "平湖生活垃圾回收利用率要达到多少？",
    "新丰航空的货运无人机是哪一天首飞的？",  # 近日 dates the announcement: the flight is yet to come (择期)  # 全市 in a report titled with another city is that city, not ours
    "新丰创投对新丰智能科技公司的首笔投资金额是多少？",  # 首笔 is an item: 追加投资 is another sum
    "新丰湿地公园荷花摄影作品征集中获得一等奖的是哪幅作品？",  # a prize's neighbour (二等奖)
    "新丰交警货车整治中查处了多少起超速违法？",  # 多少起 needs a count of cases: 一线 counts nothing
    "新丰镇的出生率是每十万人多少人？",  # 每十万人 is the rate's base: 出生率 is what is counted
    "新丰书画联展展期持续到哪一天？",  # 持续 is everywhere: 展期 is what is dated, and the report gives no end
    "李某拿卖房款炒股盈利了多少？",  # a verb is said in other words (亏损 for 亏了), never by another verb
    "新丰县县长王燊是哪里人？",  # asked where one is from, a sentence that names his county does not say so
    "李某卖掉的那套房子位于北京哪个区？",  # asked which district, a sentence naming none
    "新丰镇综合执法中心这次整治中收缴了多少个不合格燃气报警器？",  # the figure counts 钢瓶, another thing
])
def test_near_misses_are_refused(answerer: Answerer, question: str) -> None:
    answer, _ = answerer.answer(question)
    assert not answer.found and answer.text == "没有在档案中找到相关报道。"


@pytest.mark.parametrize(("question", "expected"), [
    ("市十六届政府第十六次常务会议是谁主持的？", "周军波"),
    ("新仓镇第一家民营研究院叫什么？", "领智产业技术研究院"),  # the page says 首家
    ("研究院由几家企业共同出资？", "三家"),  # a Chinese numeral with the unit asked for
    ("研究院由企业共同出资大约多少亿？", "二亿元"),  # 大约/约, 亿/亿元, 二 for 2
    ("“红旗先锋队”志愿服务队目前大约有多少人？", "260人"),
    ("鑫海一号通信卫星是由谁设计的？", "张伟"),
    ("城区有多少家海鲜餐馆？", "28间"),  # 多少家 answered in 间
    ("紫冠雉主要呈什么颜色？", "深褐色"),  # the sentence says 主要呈……色, the title names the bird
    ("单斑笛鲷体长可达多少公分？", "60公分"),
    ("尚恩有什么爱好？", "书法"),  # jieba glues 有 to a name it does not know: 尚恩有 is in no report
    ("嘉善南站有几条到发线？", "2条"),
    ("新丰镇内有多少人口？", "8.57万"),  # 镇内: within the town, never written so
    ("异地购房提取公积金服务有哪些试点城市？", "芜湖市"),  # 有哪些: the sentence that lists
    ("新丰园区项目总投资多少？", "3.5亿元"),  # money, not the 103亩 before it
    ("新丰化工基地的中水回用项目五年节水多少？", "391万立方米"),  # the number right after 节水, not 两项节水
    ("新丰机床项目达产后年销售额预计超过多少亿？", "40亿元"),  # 达产 is wording (the report says 达成), not a name
    ("林埭镇今年农村污水改造受益农户有多少户？", "3500户"),
    ("新丰环保8月2日收盘价是多少？", "6.48元"),  # the day named, not the newer 8月4日
    ("4月6日周军波主持召开的是市政府第几次常务会议？", "第十六次"),  # the report of 4月7日 says 昨天
    ("新丰乡党委书记是谁？", "王建国"),
    ("张丽当化妆师助手是在哪一年？", "1995年"),  # jieba reads 张丽当 as one word: 当 is a word of its own
    ("王晓东的籍贯是哪里？", "平湖新埭"),  # 籍贯 names the kind asked, though the dictionary tags it a name
    ("新丰机床项目由哪两家企业合作开发？", "新丰机床厂与平湖精工"),  # 合作开发: a phrase, not a name to hold
    ("《田园》由谁配乐？", "Beyond Band"),  # a band, named in Latin letters
    ("周晓芸在家中排行第几？", "第三"),  # an ordinal with no measure word after it
    ("新丰夜市的小吃摊通常在什么时候营业？", "夜间"),  # a time of day answers 什么时候
    ("新丰镇的文化礼堂什么时候投入使用？", "2021年5月"),  # 交付使用
    ("榅桲的果实有什么药用价值？", "治疗肠虚"),  # the report says 入药: 药用价值, a common noun, is asked, not a name
    ("全省最大的古船博物馆是哪个？", "新丰古船馆"),  # not 目前是全省最大的古船博物馆: the question said as much
    ("新丰书画院在什么地方？", "老街12号"),  # asked where, an opening that locates nothing does not come first
    ("《江南好》的作者是谁？", "沈秋月"),  # not 《江南好》的作者在后记中说: the role asked names no one
    ("嘉善县宝塔街道暑期托管班今年招收了多少名学生？", "120名"),  # the place is said in another part of the article
    ("平湖城市生活垃圾分类处理率是多少？", "92.04%"),
    ("新丰环保科技集团被冻结2亿元股权，执行法院是哪家法院？", "嘉兴市中级人民法院"),  # names one, not the opening  # our own city's report calls it 我市
    ("厦门生活垃圾回收利用率要达到多少？", "45%"),
    ("新丰创投对新丰智能科技公司追加投资了多少？", "1亿元"),
    ("新丰湿地公园荷花摄影作品征集中获得二等奖的是哪幅作品？", "《晨曦》"),
    ("新丰镇每十万人拥有多少名执业医师？", "235人"),
    ("宝塔街道暑期托管班持续到哪一天？", "8月25日"),
    ("新丰镇光污染工地被罚了多少钱？", "壹万元"),  # a sum in financial numerals
    ("新丰镇土壤硒含量均值有多高？", "1.33毫克"),  # a content, not a height
    ("李某拿卖房款炒股亏了多少？", "70余万元"),  # 亏损 says 亏了: its character right beside the figure
    ("江南风电场为什么要在两座测风塔中间增设一座130米高的辅塔？", "不稳定"),  # 130米 is a size, not an event
    ("曾某慧开的两所培训机构为什么基本处于关门状态？", "双减"),  # jieba's 某慧开 is the name 曾某慧
    ("新丰花园小区位于哪个街道？", "当湖街道"),
    ("新丰镇综合执法中心这次整治中收缴了多少支超期钢瓶？", "12支"),
])
def test_variants_of_news_wording_still_answer(answerer: Answerer, question: str, expected: str) -> None:
    answer, _ = answerer.answer(question)
    assert answer.found and expected in _first(answer.text)


def test_a_second_report_giving_the_same_figure_is_not_quoted(answerer: Answerer) -> None:
    answer, _ = answerer.answer("新丰法院判处面包车司机刘某多少罚金？")  # 6千元 is 6000元; its 6人 and 20人 answer nothing
    assert answer.found and "罚金6" in answer.text and "[2]" not in answer.text
    assert fold("罚金6千元") == fold("罚金6000元") and fold("第十六次") == "第16次"


def test_what_is_counted_or_dated_passes_over_a_common_word_and_a_rate_base() -> None:
    assert read_question("新丰书画联展展期持续到哪一天？").beyond == {"持续": "展期"}  # 持续, said everywhere, gives way
    assert read_question("美国2022年的自杀率是每十万人多少人？").focus == {"自杀"}  # not 十万人
    assert read_question("新丰创投的首笔投资金额是多少？").items == ["第1笔"]  # 首笔 is the first, as 首家 is
    assert "一等奖" in read_question("获得一等奖的是哪幅作品？").items
    assert towns(fold("全部费用由街道承担")) == [] and towns("新埭镇") == ["新埭镇"]
    assert fold("罚款壹万元整") == fold("罚款1万元整") and fold("队伍陆续") == "队伍陆续"  # 伍 and 陆 in words stay
    fee = read_question("代言费是多少？")  # a fee is money: three product lines are no answer, $4.9 is
    assert not holds_kind(fee, "公司旗下共有三个系列产品") and holds_kind(fee, "全程收费：$4.9")
    assert read_question("消费者联会有多少个成员？").unit is None  # 消费者 is no fee


def test_a_particle_jieba_glued_to_a_name_is_read_off(answerer: Answerer) -> None:
    lexical = answerer.retriever.lexical
    mended = mend(read_question("尚恩有什么爱好？"), lexical)
    assert "尚恩" in mended.words and "尚恩有" not in mended.words and "爱好" in mended.words
    # a name the archive never printed stays whole: it must still be found to answer
    assert "交叉笛鲷" in "".join(mend(read_question("交叉笛鲷有什么特点？"), lexical).words)


def test_a_pronoun_with_nothing_before_it_is_asked_back(answerer: Answerer) -> None:
    answer, _ = answerer.answer("它是什么时候揭牌的？")
    assert not answer.found and answer.text.startswith("问题里的“它”指什么")
    followed, _ = answerer.answer("它是什么时候揭牌的？", history=[("新仓镇首家民营研究院叫什么？", "领智产业技术研究院")])
    assert followed.found


def test_folding_and_question_reading() -> None:
    assert fold("第十六次") == "第16次" and fold("首家") == "第1家" and fold("二〇二三年") == "2023年"
    assert fold("大约二亿元") == fold("约2亿")
    assert fold("首份禁令") == fold("第一份禁令") and fold("首都") == "首都"
    assert fold("视频只保存18天") == fold("视频只保留18天") and fold("正线全程342公里") == fold("正线全长342公里")
    assert fold("全线175公里") == fold("全长175公里") and fold("市场占有率") == fold("市占率")
    assert fold("首例配额交易案件") == fold("第一起配额交易案件") and fold("首例患者") != fold("第一起患者")
    assert fold("拜为尚书左仆射") == fold("封为尚书左仆射") and fold("于2007年开始筹备") == fold("于2007年开始准备")
    assert fold("他投身人民运动") == fold("他投入人民运动") and fold("易名为海趣坊") == fold("改名为海趣坊")
    assert "金额" not in read_question("漠河机场的投资金额是多少？").focus  # the kind asked, said as 总投资2.38亿元
    shares = read_question("三星第二季度卖出了多少股？")
    assert holds_kind(shares, "出售了约355万股股票。") and not holds_kind(shares, "筹集了约22亿美元。")
    asked = read_question("市十六届政府第十七次常务会议是谁主持的？")
    assert asked.kind == "person" and "第17次" in asked.items
    assert read_question("有几支队伍参赛？").unit is not None
    assert read_question("消防大队组织哪个街道开展了培训？").places == []
    assert read_question("阿尔及利亚野火的过火面积有多大？").places == ["阿尔及利亚"]  # 及 in a name joins no two places  # 哪个街道 asks a town, names none
    who = read_question("十佳家庭的颁奖嘉宾是谁？")
    assert not holds_kind(who, "新丰报讯（记者李明）新丰镇近日评出十佳家庭。")  # the reporter is no answer to 谁
    assert holds_kind(who, "颁奖嘉宾是李明。")
    sets = read_question("警方查获了几套设备？")  # a counter the question names (几套): 一个窝点 counts no sets
    assert holds_kind(sets, "现场查获设备5套。") and not holds_kind(sets, "警方查获一个窝点。")
    assert "鞋" in read_question("扣押了多少双鞋？").words  # not 双鞋, a word no report writes
    court = read_question("执行法院是哪家法院？")  # asked which one: a sentence that names one ranks higher
    assert court.which == "法院" and names_instance(court, "执行法院为嘉兴市中级人民法院。")
    assert not names_instance(court, "被执行人为新丰环保科技集团有限公司。") and not names_instance(court, "该法院日前审理此案。")
    why = read_question("股权被冻结的原因是什么？")
    assert not holds_kind(why, "目前尚未查询到这两项冻结的具体原因。") and holds_kind(why, "因债务纠纷，股权被冻结。")
    many = read_question("今年粮食产量是多少？")
    assert not holds_kind(many, "8月8日8时，水位上涨。") and holds_kind(many, "产量约2200万吨。")  # a time is no count
    assert read_question("什么是九号风球？").names == ["9号风球"] and read_question("半透膜指的是什么？").names == ["半透膜"]
    assert read_question("什么是认房不认贷政策？").names == ["认房不认贷"]  # a report may call it 认房不认贷 alone
    storms = read_question("黑龙江8月16日下午哪些地区有雷阵雨？")  # 山东 inside 双鸭山东部 is no province
    assert not another_place(storms, fold("双鸭山东部有雷阵雨。"))
    henan = read_question("河南上半年生产总值是多少？")
    assert another_place(henan, fold("上半年江苏全省实现生产总值6.05万亿元。"))
    assert another_place(henan, fold("上半年浙江实现生产总值3.87万亿元。")) and not another_place(henan, fold("上半年河南实现生产总值。"))
    when = read_question("车队遭炸弹袭击是几点发生的？")  # a time of day is asked, not a count
    assert when.kind == "date" and holds_kind(when, "8月13日9时17分，车队遭袭。") and not holds_kind(when, "8月13日，车队遭袭。")
    assert read_question("成果发表在哪本期刊上？").kind != "place" and read_question("他在哪工作？").kind == "place"
    amount = read_question("联合银行的人民币交易额有多少？")
    assert not holds_kind(amount, "26日，联合银行开展人民币交易。") and holds_kind(amount, "交易额达3亿元。")
    cpi = read_question("美国7月份CPI同比上涨了多少？")  # 预计， governs the figures after it
    assert forecast_only(cpi, "市场观察人士预计，美国7月CPI环比将上涨0.2%，同比涨幅仅为3.3%。")
    assert not forecast_only(cpi, "今年以来，我市全面落实各项目标任务，1至5月CPI同比上涨3.5%。")
    assert OFFICE.search("处长") and OFFICE.search("科长")
    colour = read_question("黑额鸣冠雉的双脚是什么颜色？")  # a colour, not a name that holds one (蓝喉鸣冠雉)
    assert holds_kind(colour, "牠们的双脚红色。") and not holds_kind(colour, "蓝喉鸣冠雉是普通鸣冠雉的最近亲。")
    year = read_question("马赛是哪一年度香港小姐竞选季军？")  # a year, not 11号
    assert not holds_kind(year, "季军：11号马赛。") and holds_kind(year, "2008年度香港小姐季军是马赛。")
    party = read_question("塞雷茨·卡马爵士是哪个党派的成员？")  # the answer shares a character with the noun asked
    assert party.asked == {"党", "派"} and names_asked(party, "博茨瓦纳民主党成员") and not names_asked(party, "政治家")
    assert not read_question("地球公民协会的宗旨是什么？").asked and not read_question("什么样的人可以参加？").asked
    assert "去世" in fold("洪武二十五年正月卒。") and "去世" in fold("九月吴少阳卒，其子自立") and "去世" not in fold("士卒")
    assert "最终" not in read_question("原告最终能拿到多少赔偿金？").focus  # a report writes 赔偿……1000元 without it
    takings = read_question("这部剧场版在日本的票房是多少？")  # an ordinal (第7部) counts nothing
    assert not holds_kind(takings, "是名侦探柯南的第7部剧场版") and holds_kind(takings, "在日本有32亿日元的票房收益")
    assert holds_kind(read_question("市政府常务会议是第几次？"), "第十六次常务会议")
    assert holds_kind(read_question("关岛在决赛中得了几分？"), "关岛得七分")
    assert read_question("他从科罗拉多大学获得了什么学位？").kind is None  # 多大 inside a name asks no size
    assert read_question("几内亚在法国殖民前采用什么贸易方式？").kind is None  # 几 inside a name, 几经, 那几年: no count
    assert read_question("龙山国小几经改名，最后改为什么？").kind is None and read_question("那几年什么帮派势力最大？").kind is None
    assert read_question("研究院由几家企业共同出资？").kind == "number" and read_question("节目在哪一段时期播放？").kind != "place"
    novel = read_question("《张居正》这部小说描写了哪些人物？")  # 这部 points back, a report never says it
    assert "这部" not in novel.words and "小说" in novel.words and "此次" not in read_question("关岛在此次决赛中得了几分？").words


def test_llm_is_not_called_for_a_refusal(pages: Settings) -> None:
    answerer = build_services(pages).answerer()

    class Boom:
        def answer(self, *args: object) -> str:
            raise AssertionError("the LLM must not be asked when the archive does not answer")

    answerer.llm = Boom()  # type: ignore[assignment]
    answer, _ = answerer.answer("市十六届政府第十七次常务会议是谁主持的？")
    assert not answer.found


# 2. Composition ------------------------------------------------------------------------------------

def test_answer_first_short_no_opener_and_absolute_dates(answerer: Answerer) -> None:
    answer, _ = answerer.answer("市十六届政府第十六次常务会议是谁主持的？")
    assert "本报讯" not in answer.text and "记者" not in answer.text
    assert "昨天（2023年4月6日）上午" in answer.text
    assert "周军波" in _first(answer.text) and len(answer.text) <= 80
    assert all(c.supported for c in answer.citations) and not answer.unsupported_sentences


@pytest.mark.parametrize(("question", "expected"), [
    ("新丰镇首位女站长是谁？", "李秀英"),  # 站长 is the question's own word, not the answer
    ("新丰币是什么？", "老纸币"),  # a semicolon inside brackets cuts no sentence
    ("张丽在哪一年第一次接触电影化妆？", "1995年"),  # a year, not 期间
    ("王晓东的职业是什么？", "越剧演员"),  # the opening sentence says what its subject is
    ("新丰大桥全长多少？", "1.2公里"),  # 全长 said by 长 right before the number
    ("新丰文化馆在哪里？", "老街与河滨路交界"),  # the clause that locates, not one that only names a place
    ("新丰消防站出动了几名队员？", "6名消防员"),  # 队员 said by its head 员 closing the counted phrase
    ("新丰老街为什么今年启动改造？", "消防隐患"),  # the clause only says the question again: its cause comes before
    ("新丰电动车Model X的续航里程是多少公里？", "500公里"),
    ("新丰镇运动会男子400米自由泳冠军是谁？", "李强"),
    ("新丰农科所育成的水稻新品种亩产多少？", "650公斤"),  # 农科所 abbreviates 农业科学研究所
    ("江苏上半年生产总值是多少？", "6.05万亿元"),
    ("浙江上半年GDP是多少？", "3.13万亿元"),  # the letters a report writes out (地区生产总值)
    ("途经新丰站的多趟列车为什么晚点？", "地震"),  # 受此影响: the cause is the sentence before
    ("新丰镇政府为什么决定拆除新丰老桥？", "危桥"),  # a sentence opening with 因此: the cause is the one before it
    ("新丰镇7月新增就业岗位预计有多少个？", "200个"),  # asked for the forecast, the forecast answers
    ("新丰镇今年粮食价格上涨了多少？", "11%"),  # a change in price is a share, not only money
    ("新丰镇2022年粮食总产量比2015年增加了多少？", "12%"),  # 2015年 is asked too: no neighbour of 2022年
    ("新丰渡口为什么停航？", "公路桥建成"),  # the clause that says 停航 gives no cause: the 由于 clause before it
])
def test_the_quoted_clause_holds_the_answer(answerer: Answerer, question: str, expected: str) -> None:
    answer, _ = answerer.answer(question)
    assert answer.found and expected in _first(answer.text)


def test_of_two_clauses_alike_the_earlier_is_quoted(answerer: Answerer) -> None:
    # 花粉红色或红色 and 花梗绿色无毛 say as much of the question: the earlier, one character longer, is the statement
    gate = answerer.plan("吊钟花花朵通常是什么颜色？").gate
    assert gate is not None
    text = ("花为伞房花序顶生，花粉红色或红色，常5－8朵，下垂呈钟型，从枝顶覆瓦状排列的大苞片内生出，苞片长圆形或长方形，膜质，"
            "花梗绿色无毛，长约1.5－2厘米，花萼5裂，披针形先端披纤毛，长约2－4厘米，花冠呈宽钟状，口部5裂，裂片钝圆。")
    quoted = excerpt(gate, Candidate(0, 0, len(text), text, 1.0, 1.0, True, True), limit=80, whole=80)
    assert quoted.startswith("花粉红色或红色")


def test_the_place_asked_about_draws_in_no_clause_of_its_own(answerer: Answerer) -> None:
    answer, _ = answerer.answer("浙江上半年地区生产总值是多少？")
    assert answer.found and "3.13万亿元" in _first(answer.text) and "抢抓" not in answer.text


@pytest.mark.parametrize(("question", "expected"), [
    # the opening names the fish, but only the later sentence says what it eats (为食)
    ("蓝纹鹦嘴鱼主要吃什么？", "藻类"),
    # 号化州 names a place, 广东海阳人 says where he is from
    ("许文山是什么地方的人？", "广东海阳"),
    # 滨田省吾 is tagged no name; it stands where the question says 谁 (参加了谁的专辑)
    ("1986年，梁邦彦参加了谁的专辑的音乐录制？", "滨田省吾"),
    # the report says 香港, the question 香港地区
    ("香港地区的哪个女演员主演了《武则天》？", "冯丽华"),
    # 黄尾阿南鱼，又称……的一种 opens the article; 寿命可达8年, three sentences on, says it of the same fish
    ("黄尾阿南鱼的寿命可达多少年？", "8年"),
])
def test_the_sentence_that_says_what_is_asked_answers_first(answerer: Answerer, question: str, expected: str) -> None:
    answer, _ = answerer.answer(question)
    assert answer.found and expected in _first(answer.text)


def test_asked_what_something_does_a_sentence_of_moderate_length_is_not_cut_short(answerer: Answerer) -> None:
    # cut at a hundred characters, the sentence loses the end of the mechanism asked about
    answer, _ = answerer.answer("依那单抗的作用机制是什么？")
    assert answer.found and "抑制其免疫作用" in _first(answer.text) and "……" not in answer.text


@pytest.mark.parametrize(("question", "not_a_place"), [
    ("西安街是一条什么样的街道？", "样的街道"),  # 什么样的 before 街道 names no town
    ("长鼻王是什么东西的名称？", "东西"),  # 什么东西: a thing
    ("江文也和郭芝苑之间有什么关系？", "江文也和郭芝苑"),  # two names jieba took for one place
])
def test_words_that_name_no_place_are_not_required_as_places(question: str, not_a_place: str) -> None:
    assert not_a_place not in read_question(question).places


def test_asked_what_it_eats_a_second_sentence_must_say_what_it_eats(answerer: Answerer) -> None:
    plan = answerer.plan("蓝纹鹦嘴鱼的幼鱼主要吃什么？")
    first = Candidate(0, 0, 11, "牠们主要吃水底的藻类。", 3.0, 0.8, True, True)
    colour = Candidate(0, 11, 21, "幼鱼主要呈蓝绿色。", 2.9, 0.8, True, True)  # 幼鱼, but not what it eats
    food = Candidate(0, 11, 21, "幼鱼以小虾为食。", 2.9, 0.8, True, True)
    assert not _adds(plan, colour, first) and _adds(plan, food, first)


def test_asked_which_one_a_sentence_naming_one_comes_alone_before_an_opening_naming_none(answerer: Answerer) -> None:
    plan = answerer.plan("新丰镇在首个全国生态日组织党员干部到哪座山上捡拾垃圾？")
    opening = Candidate(0, 0, 30, "正值首个全国生态日，新丰镇组织党员干部开展志愿服务活动。", 3.0, 0.9, True, True)
    named = Candidate(0, 30, 50, "党员干部们来到凤鸣山上，一边捡拾垃圾。", 2.8, 0.9, True, True)
    picks = _answering_sentences(replace(plan, answering=[opening, named]))
    assert [c.text for c in picks] == [named.text]
    hill = Candidate(0, 0, 30, "新丰镇组织党员干部来到山上开展志愿服务活动。", 3.0, 0.9, True, True)  # names 山: both stay
    assert [c.text for c in _answering_sentences(replace(plan, answering=[hill, named]))] == [hill.text, named.text]


def test_asked_why_the_clauses_before_the_answer_are_not_widened_in(answerer: Answerer) -> None:
    # the run that answers ends the sentence: the court and the case before it are not the reason
    answer, _ = answerer.answer("为什么电话本不受版权法保护？")
    assert answer.found and "没有体现任何创造性" in _first(answer.text) and "最高法院" not in answer.text


def test_a_lead_in_comes_with_what_it_introduces_and_a_long_list_is_cut(answerer: Answerer) -> None:
    answer, _ = answerer.answer("新丰公交3路途经哪些地方？")
    quoted = _first(answer.text)
    assert answer.found and "东山一路" in quoted and len(quoted) < 130  # not 经…… alone, not eighty roads


def test_a_title_with_an_exclamation_is_quoted_whole(answerer: Answerer) -> None:
    answer, _ = answerer.answer("《我的家乡！》由谁主演？")
    assert answer.found and answer.text.startswith("《我的家乡！》") and "周晓芸" in answer.text


def test_no_second_sentence_that_only_names_the_subject(answerer: Answerer) -> None:
    # the title names the fish: the sentence that names it again and says nothing of where it lives is padding
    answer, _ = answerer.answer("单斑笛鲷分布在什么地区？")
    assert answer.found and answer.text.startswith("本鱼分布于印度太平洋区。") and "笛鲷科" not in answer.text


def test_two_sentences_that_answer_alike_are_both_given(answerer: Answerer) -> None:
    answer, _ = answerer.answer("新丰镇图书馆的开放时间是怎样的？")
    assert answer.found and answer.text.startswith("新丰镇图书馆工作日开放时间") and "周末开放时间" in answer.text
    assert "藏书" not in answer.text


def test_what_is_asked_of_a_subject_comes_before_its_opening(answerer: Answerer) -> None:
    # the opening says what the novel is; asked what prize it won, the sentence that says so comes first, the opening
    # after it
    answer, _ = answerer.answer("《河埠头》获得过什么奖项？")
    assert answer.found and "江南文学奖" in _first(answer.text) and "陈墨创作" in answer.text
    # asked what it eats (a question of a common sort), the sentence that says so alone
    answer, _ = answerer.answer("新丰黄鳝的食物是什么？")
    assert answer.found and "蚯蚓" in _first(answer.text) and "田鳗" not in answer.text
    # ... and asked what the opening says, the opening alone
    answer, _ = answerer.answer("新丰黄鳝的俗名是什么？")
    assert answer.found and "田鳗" in _first(answer.text) and "蚯蚓" not in answer.text


def test_asked_why_a_sentence_that_only_restates_brings_the_next(answerer: Answerer) -> None:
    # 老粮站近期将被拆除 says again what is asked why of: the sentence after it gives the reason, and comes first
    answer, _ = answerer.answer("新丰老粮站为什么要拆除？")
    assert answer.found and "危房" in _first(answer.text) and "近期将被拆除" in answer.text


def test_asked_how_a_thing_got_its_name_the_sentence_that_says_so(answerer: Answerer) -> None:
    for question in ("新丰月亮桥为什么叫月亮桥？", "月亮桥这个名字是怎么来的？"):
        answer, _ = answerer.answer(question)
        assert answer.found and "形如满月而得名" in _first(answer.text) and "石拱桥" not in answer.text


def test_two_questions_in_one_get_both_answers(answerer: Answerer) -> None:
    answer, _ = answerer.answer("新丰电机第二工厂是什么时候投产的？生产什么？")
    assert answer.found and "2019年5月" in answer.text and "驱动电机。" in answer.text


def test_openers_and_relative_dates() -> None:
    assert strip_opener("本报讯（记者 林旭东）昨天上午，市长主持会议。") == "昨天上午，市长主持会议。"
    assert strip_opener("据了解，项目总投资1亿元。") == "项目总投资1亿元。"
    assert strip_opener("中新网北京7月26日电 (记者 应妮)国家话剧院26日发布讣告。") == "国家话剧院26日发布讣告。"
    assert strip_opener("原标题：国家话剧院首任院长因病去世 享年78岁") == "国家话剧院首任院长因病去世 享年78岁"
    flattened = "原标题：首任院长因病去世 享年78岁          中新网北京7月26日电 (记者 应妮)话剧院发布讣告。"
    assert [flattened[a:b] for a, b in split_at_gaps(flattened, split_sentences(flattened))] == [
        "原标题：首任院长因病去世 享年78岁", "中新网北京7月26日电 (记者 应妮)话剧院发布讣告。"]
    assert absolute_dates("今年以来，上月完成", 20230407) == "今年（2023年）以来，上月（2023年3月）完成"
    assert absolute_dates("昨天下午", None) == "昨天下午"
    assert strip_opener("新京报讯（记者张璐）委员会公布获奖名单。") == "委员会公布获奖名单。"
    # a web page's furniture: an outlet's dateline, a byline line, a photo's credit, a date line
    assert strip_opener("红网时刻益阳8月7日讯（通讯员 彭赛）8月5日，师生走进社区。") == "8月5日，师生走进社区。"
    assert strip_opener("长安街知事微信公众号 | 记者 周经纬7月26日上午，应急管理局发布声明。") == "7月26日上午，应急管理局发布声明。"
    assert strip_opener("周忠  摄今年7月，公园开展摄影作品征集活动。") == "今年7月，公园开展摄影作品征集活动。"
    assert strip_opener("图为嫌疑人被抓（通讯员供图）7月21日，派出所接到报警。") == "7月21日，派出所接到报警。"
    assert strip_opener("2023/08/18 ，正文：法院公开审理此案。") == "法院公开审理此案。"
    assert strip_opener("08/14，正文： \t这几天，运动会吸引了不少目光。") == "这几天，运动会吸引了不少目光。"
    assert strip_opener("移动通讯公司发布新品。") == "移动通讯公司发布新品。" and strip_opener("王强摄影多年。") == "王强摄影多年。"
    assert tidy("来源：人民网－国际频道 原创稿当地民众参加仪式。") == "当地民众参加仪式。"
    assert tidy("发售时间提前至10月5日https://t.cn/abc") == "发售时间提前至10月5日"
    assert tidy("来源于民间的说法。") == "来源于民间的说法。"


def test_a_sentence_cut_by_a_column_ends_in_an_ellipsis(answerer: Answerer) -> None:
    answer, _ = answerer.answer("此次合作将助推什么产业链的高质量发展？")
    assert answer.found and "……" in answer.text
    assert "高市委书记" not in answer.text


def test_several_reports_newest_first(answerer: Answerer) -> None:
    answer, _ = answerer.answer("市长周军波主持召开了哪次常务会议？")
    assert answer.found
    text = answer.text
    assert text.index("2023年4月7日") < text.index("2022年6月28日")


# 4. Lists across articles ---------------------------------------------------------------------------

def test_a_figure_told_again_by_a_later_report_is_quoted_once(answerer: Answerer) -> None:
    answer, _ = answerer.answer("新丰自来水厂扩建工程总投资多少？")
    assert answer.found and answer.text.count("1.5亿元") == 1


def test_people_across_articles_are_collected(answerer: Answerer) -> None:
    answer, _ = answerer.answer("报道里出现过的市委书记都有谁？")
    assert answer.found and "仲旭东" in answer.text and "祁海龙" in answer.text
    assert len(answer.citations) >= 2


def test_a_list_inside_one_article_is_not_padded_with_other_articles(answerer: Answerer) -> None:
    # 哪些 asks for the items one article lists; another 党建联盟 is not one of them
    answer, _ = answerer.answer("汽车产业链党建联盟将重点实施哪些机制？")
    assert answer.found and "三项机制" in _first(answer.text) and "保税区" not in answer.text


def test_meetings_a_person_attended_are_named(answerer: Answerer) -> None:
    answer, _ = answerer.answer("副市长戴建忠出席过哪些会议？")
    assert answer.found and "第十六次常务会议" in answer.text and "第五次常务会议" in answer.text


def test_a_days_listing_is_checked_as_a_listing(answerer: Answerer) -> None:
    answer, _ = answerer.answer("2023年4月7日的报纸报道了哪些新闻？")
    assert answer.found and "新仓镇首家民营研究院揭牌" in answer.text
    assert all(c.supported for c in answer.citations) and not answer.unsupported_sentences


# 5. Follow-ups -------------------------------------------------------------------------------------

def test_follow_up_through_the_cli_chat(pages: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    questions = "光伏产业园项目总投资多少？\n它计划什么时候建成投产？\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QA_EMBEDDING_MODEL", "hash")
        patch.setattr("sys.stdin", __import__("io").StringIO(questions))
        assert main(["--index", str(pages.index_dir), "chat", "--json"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "12亿元" in first["text"] and "两年内" in second["text"]
    assert second["text"] != first["text"]


def test_follow_up_through_the_api_with_history(pages: Settings) -> None:
    client = TestClient(create_app(build_services(pages)))
    first = client.post("/api/ask", json={"question": "领智产业技术研究院由几家企业共同出资？"}).json()
    second = client.post("/api/ask", json={
        "question": "它的揭牌仪式有哪位市领导出席？",
        "history": [["领智产业技术研究院由几家企业共同出资？", first["text"]]],
    }).json()
    assert "三家" in first["text"] and "仲旭东" in second["text"] and second["text"] != first["text"]
    openai_style = client.post("/api/ask", json={
        "question": "它的揭牌仪式有哪位市领导出席？",
        "history": [{"role": "user", "content": "领智产业技术研究院由几家企业共同出资？"},
                    {"role": "assistant", "content": first["text"]}],
    })
    assert openai_style.status_code == 200 and openai_style.json()["text"] == second["text"]
    bad = client.post("/api/ask", json={"question": "它在哪？", "history": [{"role": "user"}, 5]})
    assert bad.status_code == 422


# 6. Notices in the answer ---------------------------------------------------------------------------

def test_a_period_without_reports_is_said_first(answerer: Answerer) -> None:
    answer, _ = answerer.answer("今年城市生活垃圾分类处理率是多少？")  # today is 2024-03-01: no 2024 report
    first = _first(answer.text)
    assert first.startswith("档案中没有今年（2024年）的相关报道") and "未注明日期" in first and "92.04%" in first
    months, _ = answerer.answer("今年1至5月生活垃圾总量增幅是多少？")
    assert _first(months.text).startswith("档案中没有今年1至5月（2024年1月至5月）的相关报道")  # a relative span gets its dates


def test_a_year_named_as_the_facts_year_gets_the_quotes_date_not_a_notice(answerer: Answerer) -> None:
    answer, _ = answerer.answer("2021年城市生活垃圾分类处理率是多少？")
    first = _first(answer.text)
    assert "档案中没有" not in first and first.startswith("一篇未注明日期的报道称") and "92.04%" in first


def test_no_notice_when_the_period_holds_reports(answerer: Answerer) -> None:
    answer, _ = answerer.answer("2022年6月光伏产业园项目总投资多少？")
    assert answer.found and "档案中没有" not in answer.text and "12亿元" in _first(answer.text)


# 7. What eval shows ---------------------------------------------------------------------------------

def test_eval_reports_what_a_reader_sees(answerer: Answerer, tmp_path: Path) -> None:
    questions = [
        {"id": "q1", "question": "光伏产业园项目总投资多少？", "answers": ["12亿元"], "anchor": "项目总投资12亿元"},
        {"id": "q2", "question": "市十六届政府第十七次常务会议是谁主持的？", "answers": [], "answerable": False},
    ]
    result = evaluate(answerer, questions, k=5)
    assert result["answer_first_accuracy"] == 1.0 and result["refusal_accuracy"] == 1.0
    assert set(result["answer_chars"]) == {"p50", "p95"} and result["answer_chars"]["p50"] <= 80
    assert "12亿元" in result["questions"][0]["text"]
    assert first_sentence("答案一。[1]其二。") == "答案一。" and first_sentence("共两篇：\n1. 甲[1]\n2. 乙[2]") == "1. 甲"


def test_near_miss_questions_over_the_sample_pages(seeds_index: Path) -> None:
    """Project data: near misses over seeds/ (same subject, another fact) and paraphrased answerable ones."""
    answerer = build_services(Settings(index_dir=seeds_index, embedding_model="hash")).answerer()
    result = evaluate(answerer, load_questions(DATA / "seeds_near_miss.jsonl"), k=10)
    assert result["refusal_accuracy"] >= 0.85 and result["false_refusal_rate"] <= 0.1
    assert result["answer_chars"]["p50"] <= 80


def test_follow_up_questions_over_the_sample_pages(seeds_index: Path) -> None:
    answerer = build_services(Settings(index_dir=seeds_index, embedding_model="hash")).answerer()
    for line in (DATA / "followups.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        first, second = case["turns"]
        earlier, _ = answerer.answer(first)
        later, _ = answerer.answer(second, history=[(first, earlier.text)])
        assert later.found and later.text != earlier.text, case["id"]
        assert any(a in later.text for a in case["answers"]), case["id"]
