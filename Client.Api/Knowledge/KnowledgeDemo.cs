using Hotline.Api.Configuration;
using Hotline.Api.Demo;
using Hotline.Knowledge;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Knowledge;

/// <summary>
/// With <c>Hotline:Demo:Seed</c> and PostgreSQL: a knowledge category tree, a few synonym groups and some two dozen
/// published articles of the kind a 12345 agent reads out, once the demo departments exist. Seeds only an unseeded
/// knowledge base (no demo root category yet), so an edited demo survives a restart.
/// </summary>
internal sealed partial class KnowledgeDemo(KnowledgeStore store, DemoSeeder demo, IOptions<HotlineOptions> options, ILogger<KnowledgeDemo> logger) : BackgroundService
{
    private const string Editor = "6201";

    private static readonly (string Id, string? Parent, string Name)[] Categories =
    [
        ("livelihood", null, "民生保障"), ("housing-fund", "livelihood", "住房公积金"), ("social-insurance", "livelihood", "社会保险"),
        ("medical-insurance", "social-insurance", "医疗保险"), ("pension", "social-insurance", "养老保险"),
        ("public-security", null, "公安服务"), ("household", "public-security", "户籍"), ("exit-entry", "public-security", "出入境"),
        ("traffic", "public-security", "交通管理"), ("city", null, "城市管理"), ("property", "city", "物业管理"), ("environment", "city", "生态环境"),
        ("market", null, "市场监管"), ("education", null, "教育"),
    ];

    private static readonly string[][] Synonyms =
    [
        ["公积金", "住房公积金"], ["医保", "医疗保险", "医疗保障"], ["社保", "社会保险"], ["身份证", "居民身份证"], ["违章", "违法", "交通违法"],
        ["落户", "户口迁入"], ["护照", "出国证件"],
    ];

    private static readonly (string Category, string Title, string[] Departments, string[] Tags, string Answer, string Body)[] Articles =
    [
        ("housing-fund", "住房公积金提取办理指南", ["housing"], ["提取", "购房", "租房"],
            "职工购买、建造、翻建、大修自住住房，或租房自住、离退休等情形，可申请提取住房公积金。本人携带身份证和相关证明材料到公积金服务网点或通过公积金App办理，材料齐全的当场办结。",
            "一、提取情形：购买自住住房、偿还住房贷款本息、租房自住、离休退休、出境定居、与单位终止劳动关系未再就业满半年等。\n二、所需材料：身份证、购房合同或不动产权证、贷款合同、租房合同等。\n三、办理渠道：线上通过公积金App、网上服务大厅；线下到各公积金管理部服务网点。\n四、办理时限：材料齐全的即时办结，资金一般在1至3个工作日内到账。"),
        ("housing-fund", "住房公积金贷款申请条件", ["housing"], ["贷款", "购房"],
            "连续足额缴存住房公积金满6个月、本人及配偶无未还清的公积金贷款的职工，购买自住住房时可以申请住房公积金贷款。最高额度和利率以公积金中心公布为准。",
            "申请人需具有完全民事行为能力，连续足额缴存满6个月，信用良好，首付款比例符合规定。可携带身份证、婚姻证明、购房合同、首付款凭证到承办银行或公积金中心申请。"),
        ("housing-fund", "住房公积金缴存基数调整", ["housing"], ["缴存", "基数"],
            "住房公积金缴存基数每年调整一次，为职工本人上一年度月平均工资，不得低于本市最低工资标准、不得高于上年度社会平均工资的3倍。单位在规定期间内通过网上服务大厅办理调整。",
            "每年7月1日起执行新的缴存基数和比例。单位和职工缴存比例均为5%至12%。"),
        ("medical-insurance", "异地就医备案办理", ["hrss"], ["异地就医", "备案", "报销"],
            "参保人员异地长期居住或临时外出就医，可通过国家医保服务平台App、微信小程序或参保地医保经办窗口办理异地就医备案，备案后在就医地联网定点医院可直接结算。",
            "备案类型：异地安置退休人员、异地长期居住人员、常驻异地工作人员、异地转诊人员、临时外出就医人员。临时外出就医人员备案有效期一般为6个月。未备案的，可回参保地按规定手工报销。"),
        ("medical-insurance", "医疗保险门诊费用报销", ["hrss"], ["门诊", "报销", "医保卡"],
            "参保人员在定点医疗机构门诊就医，持医保电子凭证或社会保障卡直接结算，个人只需支付自付部分。门诊统筹起付标准和报销比例按本市规定执行。",
            "门诊共济保障：职工医保门诊费用在起付标准以上、最高支付限额以下的部分，由统筹基金按比例支付，退休人员比例更高。"),
        ("medical-insurance", "城乡居民医疗保险参保缴费", ["hrss"], ["居民医保", "缴费"],
            "城乡居民医保按年度缴费，集中缴费期一般为每年9月至12月，可通过税务App、微信、银行网点缴纳，缴费后次年1月1日起享受待遇。",
            "新生儿、退役军人、刑满释放人员等可以在规定时间内随时参保。困难人员个人缴费部分由政府按规定资助。"),
        ("pension", "养老保险关系转移接续", ["hrss"], ["转移", "养老"],
            "参保人员跨省流动就业，可向新参保地社保经办机构提出养老保险关系转移申请，也可通过国家社会保险公共服务平台或掌上12333在线申请，无需回原参保地。",
            "转移时个人账户储蓄额全部转移，统筹基金按规定比例转移。办理时限为45个工作日。"),
        ("pension", "退休人员养老金领取资格认证", ["hrss"], ["资格认证", "养老金"],
            "领取养老金的退休人员每年需进行一次领取资格认证，可通过掌上12333、电子社保卡人脸识别自助认证，行动不便的可申请社区工作人员上门认证。",
            "未按时认证的，社保经办机构将暂停发放养老金，认证通过后恢复发放并补发暂停期间待遇。"),
        ("household", "户口迁入（落户）办理条件", ["police-liaison"], ["落户", "户口"],
            "在本市有合法稳定住所或合法稳定就业的人员，本人及其共同居住的配偶、未成年子女、父母可申请在本市落户。持身份证、户口簿、房产证明或劳动合同到派出所户籍窗口办理。",
            "人才引进落户：全日制大专以上学历毕业生可凭毕业证先落户后就业。投靠落户：夫妻投靠、父母投靠子女、子女投靠父母。"),
        ("household", "居民身份证补领换领", ["police-liaison"], ["身份证", "补办"],
            "居民身份证丢失或有效期满，可到户籍所在地或居住地派出所办理补领、换领，全国范围内可异地办理。办理时采集人像和指纹，一般20个工作日内制证。",
            "急需使用的，可申请办理临时居民身份证，有效期3个月，当场或次日领取。"),
        ("household", "新生儿出生登记", ["police-liaison"], ["出生登记", "户口"],
            "婴儿出生后一个月内，由监护人持出生医学证明、父母双方户口簿和身份证、结婚证到父亲或母亲常住户口所在地派出所申报出生登记，也可通过出生一件事线上办理。",
            "超过一个月申报的，需补充说明。非婚生育的可凭出生医学证明和亲子鉴定结果办理。"),
        ("exit-entry", "普通护照申请办理", ["police-liaison"], ["护照", "出国"],
            "中国公民可持居民身份证到全国任一出入境管理部门申请普通护照，无需提供户口簿。审批时限为7个工作日，可选择邮寄送达。",
            "申请时现场采集照片和指纹。护照有效期：未满16周岁的5年，16周岁以上的10年。"),
        ("exit-entry", "往来港澳通行证及签注", ["police-liaison"], ["港澳通行证", "签注"],
            "内地居民前往香港、澳门，需办理往来港澳通行证并加注签注。已持有电子通行证的，可通过自助签注机或移民局App办理旅游签注再签注，即时办结。",
            "首次申领通行证可在全国任一出入境接待窗口办理，时限为7个工作日。"),
        ("traffic", "交通违法查询与处理", ["police-liaison"], ["违章", "罚款", "记分"],
            "机动车交通违法记录可通过交管12123 App查询。对于适用简易程序的违法行为，可在App上自助处理并缴纳罚款；有异议的可到违法行为发生地交警大队申请复核。",
            "逾期不缴纳罚款的，每日按罚款数额的3%加处罚款。一个记分周期内记满12分的，需参加学习和考试。"),
        ("traffic", "机动车驾驶证期满换证", ["police-liaison"], ["驾驶证", "换证"],
            "驾驶证有效期满前90日内，驾驶人可通过交管12123 App或到车管所申请换证，需提交身体条件证明。全国范围内可异地换证。",
            "超过有效期一年以上未换证的，驾驶证将被注销，需要重新考试。"),
        ("traffic", "非机动车（电动自行车）登记上牌", ["police-liaison"], ["电动自行车", "上牌"],
            "购买符合国家标准的电动自行车后，车主持身份证、购车发票和产品合格证到指定登记点办理登记上牌，免费发放号牌。",
            "超标电动自行车不予登记。上牌后应按规定悬挂号牌，驾驶时佩戴安全头盔。"),
        ("property", "物业服务收费投诉处理", ["housing"], ["物业费", "投诉"],
            "业主对物业服务收费有异议的，可先与物业服务企业协商；协商不成的，可向街道办事处或区住建部门投诉，涉及价格违法的可向市场监管部门举报。",
            "物业服务企业应在小区显著位置公示服务内容、收费标准。业主委员会可依法监督物业服务。"),
        ("property", "小区电梯故障报修", ["housing", "market"], ["电梯", "维修"],
            "小区电梯故障应首先联系物业服务企业报修；电梯困人时拨打电梯内张贴的应急救援电话或110、119。物业不处理的，可向特种设备安全监管部门反映。",
            "使用超过15年的老旧电梯，可按规定申请使用住宅专项维修资金进行更新改造。"),
        ("property", "住宅专项维修资金使用", ["housing"], ["维修资金", "公共部位"],
            "共用部位、共用设施设备保修期满后的维修和更新改造，可申请使用住宅专项维修资金，需经专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决同意。",
            "紧急情况下（如电梯故障、屋面渗漏）可按应急程序申请使用。"),
        ("environment", "噪声扰民投诉", ["environment", "police-liaison"], ["噪声", "扰民", "夜间施工"],
            "夜间22时至次日6时在噪声敏感建筑物集中区域进行产生噪声的建筑施工作业，须取得证明并公告附近居民。社会生活噪声扰民可报警，由公安机关处理；施工噪声由生态环境或住建部门处理。",
            "工业噪声由生态环境部门监管，商业经营噪声由相关部门按职责处理。"),
        ("environment", "餐饮油烟污染投诉", ["environment", "market"], ["油烟", "餐饮"],
            "排放油烟的餐饮服务业经营者应当安装油烟净化设施并保持正常使用。居民楼内未配套设立专用烟道的商住综合楼，禁止新建、改建、扩建产生油烟的餐饮项目。",
            "市民可拨打12345反映，由城市管理或生态环境部门按职责查处。"),
        ("market", "网购商品退换货纠纷", ["market"], ["七天无理由", "退货", "消费投诉"],
            "消费者通过网络购买商品，除特殊商品外，有权自收到商品之日起七日内无理由退货。经营者拒不退货的，可通过全国12315平台投诉。",
            "定制商品、鲜活易腐商品、在线下载的数字化商品、已拆封的音像制品等不适用七日无理由退货。"),
        ("market", "预付卡（健身卡、美容卡）退费", ["market"], ["预付卡", "退费", "跑路"],
            "经营者停业或未按约定提供服务的，消费者可要求退还预付款余额。建议保留合同和付款凭证，向经营地市场监管部门投诉；涉嫌诈骗的可向公安机关报案。",
            "单张记名预付卡限额5000元，不记名卡限额1000元。"),
        ("education", "义务教育阶段入学报名", ["education"], ["入学", "报名", "学区"],
            "适龄儿童少年义务教育入学按照相对就近原则划片招生，家长在规定时间内通过教育局招生平台网上报名，提交户籍、房产或居住证明等材料。",
            "随迁子女凭居住证、父母就业或社保证明等材料申请入学，由教育部门统筹安排学位。"),
        ("education", "校外培训机构退费", ["education", "market"], ["培训", "退费"],
            "学科类校外培训机构应使用合同示范文本，预收费纳入资金监管。机构拒不退费的，可向教育部门投诉，或向市场监管部门、人民法院寻求处理。",
            "一次性收费不得超过3个月或60课时。"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Demo.Seed || options.Value.Orleans.Mode == OrleansClientMode.Localhost) return;
        await demo.Completed.WaitAsync(stoppingToken);
        // The demo's root category marks a seeded base; categories made by people before the seeder ran do not.
        if ((await store.CategoriesAsync(stoppingToken)).Any(c => c.Id == Categories[0].Id)) return;

        foreach (var (id, parent, name) in Categories) await store.AddCategoryAsync(id, parent, name, 0, stoppingToken);
        foreach (var group in Synonyms) await store.SaveSynonymsAsync(null, group, Editor, stoppingToken);
        var drafts = Articles.Select(a => new ArticleDraft(a.Title, a.Category, a.Answer, a.Body, a.Departments, a.Tags, null, null, [])).ToList();
        await store.CreateAllAsync(drafts, Editor, publish: true, stoppingToken);
        LogSeeded(logger, drafts.Count, Categories.Length);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo knowledge base seeded: {Articles} published articles in {Categories} categories")]
    private static partial void LogSeeded(ILogger logger, int articles, int categories);
}
