"""Real Zhejiang county-level divisions for the province-scale demo (`seed_demo --counties N`).

Codes are GB/T 2260 (the Ministry of Civil Affairs' administrative division codes); the first
three counties of the demo are the hand-written ones (demo/anji.py, chunan.py, suichang.py),
these follow in this order. Towns are each county's real towns (乡镇/街道); the villages
made from them are invented. Specialities are what each county is known for, priced in fen at
a late-autumn county retail price; the common winter produce every generated county sells is in
demo/generate.py.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Speciality:
    title: str
    category: str  # hub.Category slug
    unit: str  # hub.taxonomy.Unit value
    price_fen: int
    shape: str  # demo.photos painter


@dataclass(frozen=True)
class RealCounty:
    code: str  # GB/T 2260
    slug: str
    name: str
    name_en: str
    short: str  # the name people use on labels: 德清, 景宁
    towns: tuple[str, ...]
    specialities: tuple[Speciality, ...]


S = Speciality

COUNTIES: tuple[RealCounty, ...] = (
    RealCounty("330521", "deqing", "德清县", "Deqing County", "德清",
               ("武康街道", "莫干山镇", "新市镇", "乾元镇", "禹越镇"),
               (S("莫干黄芽 250克", "tea", "pack", 26800, "leaves"),
                S("新市茶糕 礼盒", "grain-oil", "pack", 3800, "parcel"))),
    RealCounty("330522", "changxing", "长兴县", "Changxing County", "长兴",
               ("雉城街道", "水口乡", "小浦镇", "泗安镇", "煤山镇"),
               (S("顾渚紫笋茶 250克", "tea", "pack", 32800, "leaves"),
                S("长兴吊瓜子 500克", "grain-oil", "bag", 4800, "nuts"),
                S("小浦白果 500克", "grain-oil", "bag", 2600, "nuts"))),
    RealCounty("330122", "tonglu", "桐庐县", "Tonglu County", "桐庐",
               ("桐君街道", "分水镇", "富春江镇", "钟山乡", "莪山畲族乡"),
               (S("雪水云绿茶 250克", "tea", "pack", 29800, "leaves"),
                S("钟山蜜梨 5斤装", "fruit", "box", 5800, "fruit"))),
    RealCounty("330182", "jiande", "建德市", "Jiande City", "建德",
               ("新安江街道", "杨村桥镇", "寿昌镇", "大同镇", "三都镇"),
               (S("建德草莓 红颜 2斤", "fruit", "box", 6800, "fruit"),
                S("建德苞茶 200克", "tea", "pack", 19800, "leaves"),
                S("严州干菜 500克", "vegetables", "bag", 2800, "greens"))),
    RealCounty("330112", "linan", "临安区", "Lin'an District", "临安",
               ("锦城街道", "於潜镇", "太湖源镇", "昌化镇", "岛石镇"),
               (S("临安山核桃 手剥 500克", "grain-oil", "bag", 9800, "nuts"),
                S("天目笋干 500克", "vegetables", "bag", 6800, "shoots"),
                S("天目青顶 250克", "tea", "pack", 22800, "leaves"))),
    RealCounty("330824", "kaihua", "开化县", "Kaihua County", "开化",
               ("芹阳办事处", "华埠镇", "马金镇", "齐溪镇", "长虹乡"),
               (S("开化龙顶 250克", "tea", "pack", 28800, "leaves"),
                S("开化清水鱼 鲜活", "aquatic", "jin", 4800, "fish"))),
    RealCounty("331181", "longquan", "龙泉市", "Longquan City", "龙泉",
               ("龙渊街道", "八都镇", "小梅镇", "安仁镇", "屏南镇"),
               (S("龙泉金观音 250克", "tea", "pack", 23800, "leaves"),
                S("龙泉灰树花 干品 250克", "vegetables", "bag", 8800, "greens"))),
    RealCounty("331127", "jingning", "景宁畲族自治县", "Jingning She Autonomous County", "景宁",
               ("红星街道", "鹤溪街道", "渤海镇", "东坑镇", "大均乡"),
               (S("景宁惠明茶 250克", "tea", "pack", 26800, "leaves"),
                S("畲乡乌米饭 500克", "grain-oil", "bag", 2800, "grain"))),
    RealCounty("330727", "panan", "磐安县", "Pan'an County", "磐安",
               ("安文街道", "新渥街道", "尖山镇", "玉山镇", "仁川镇"),
               (S("磐安香菇 干品 500克", "vegetables", "bag", 7800, "greens"),
                S("磐安云峰茶 250克", "tea", "pack", 18800, "leaves"),
                S("磐安白术 250克", "daily-goods", "bag", 4800, "jar"))),
    RealCounty("331024", "xianju", "仙居县", "Xianju County", "仙居",
               ("福应街道", "安洲街道", "白塔镇", "横溪镇", "埠头镇"),
               (S("仙居杨梅干 500克", "fruit", "bag", 4800, "fruit"),
                S("仙居三黄鸡 整只", "poultry-eggs", "head", 13800, "bird"))),
    RealCounty("331023", "tiantai", "天台县", "Tiantai County", "天台",
               ("赤城街道", "始丰街道", "平桥镇", "街头镇", "石梁镇"),
               (S("天台山云雾茶 250克", "tea", "pack", 21800, "leaves"),
                S("天台黄茶 250克", "tea", "pack", 25800, "leaves"),
                S("天台乌药 250克", "daily-goods", "bag", 5800, "jar"))),
    RealCounty("330328", "wencheng", "文成县", "Wencheng County", "文成",
               ("大峃镇", "南田镇", "百丈漈镇", "玉壶镇", "黄坦镇"),
               (S("文成糯米山药 5斤", "vegetables", "box", 6800, "greens"),
                S("文成高山茶 250克", "tea", "pack", 16800, "leaves"))),
    RealCounty("330329", "taishun", "泰顺县", "Taishun County", "泰顺",
               ("罗阳镇", "司前畲族镇", "泗溪镇", "筱村镇", "雅阳镇"),
               (S("泰顺三杯香 250克", "tea", "pack", 19800, "leaves"),
                S("泰顺番薯干 500克", "grain-oil", "bag", 2200, "grain"))),
    RealCounty("331124", "songyang", "松阳县", "Songyang County", "松阳",
               ("西屏街道", "古市镇", "大东坝镇", "新兴镇", "四都乡"),
               (S("松阳银猴茶 250克", "tea", "pack", 24800, "leaves"),
                S("松阳端午茶 200克", "tea", "bag", 3800, "leaves"))),
    RealCounty("331126", "qingyuan", "庆元县", "Qingyuan County", "庆元",
               ("松源街道", "屏都街道", "黄田镇", "竹口镇", "百山祖镇"),
               (S("庆元香菇 花菇 500克", "vegetables", "bag", 9800, "greens"),
                S("庆元甜桔柚 5斤", "fruit", "box", 5800, "fruit"))),
    RealCounty("331125", "yunhe", "云和县", "Yunhe County", "云和",
               ("浮云街道", "白龙山街道", "崇头镇", "紧水滩镇", "石塘镇"),
               (S("云和雪梨 5斤装", "fruit", "box", 6800, "fruit"),
                S("云和黑木耳 250克", "vegetables", "bag", 4800, "greens"))),
)  # fmt: skip
