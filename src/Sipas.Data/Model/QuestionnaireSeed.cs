namespace Sipas.Data.Model;

/// <summary>
/// The default questionnaires of docs/sipas-method.md §3, seeded by migration with fixed ids so that
/// answers and published results can always name the version they came from.
/// </summary>
public static class QuestionnaireSeed
{
    public const string ShortCode = "short";
    public const string FullCode = "full";

    /// <summary>The headline item: its index is the unit's SIPAS figure.</summary>
    public const string OverallItem = "OVERALL";
    public static readonly Guid ShortV1Id = Guid.Parse("0199a000-0000-7000-8000-000000000001");
    public static readonly Guid FullV1Id = Guid.Parse("0199a000-0000-7000-8000-000000000002");
    private static readonly DateTimeOffset SeededAt = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    public static class Dimensions
    {
        public const string Overall = "OVERALL";
        public const string Access = "ACCESS";
        public const string Procedure = "PROCEDURE";
        public const string Official = "OFFICIAL";
        public const string Result = "RESULT";
        public const string Feedback = "FEEDBACK";
        public const string Comment = "COMMENT";

        public static readonly IReadOnlyList<string> Five = [Access, Procedure, Official, Result, Feedback];
    }

    public static IReadOnlyList<Questionnaire> Questionnaires { get; } =
    [
        new() { Id = ShortV1Id, Code = ShortCode, Version = 1, MethodVersion = Index.RuleSet.SipasV1.Version, Title = "Khảo sát ngắn (chat, SMS hai chiều)", IsActive = true, CreatedAt = SeededAt },
        new() { Id = FullV1Id, Code = FullCode, Version = 1, MethodVersion = Index.RuleSet.SipasV1.Version, Title = "Khảo sát đầy đủ (biểu mẫu web)", IsActive = true, CreatedAt = SeededAt },
    ];

    public static IReadOnlyList<QuestionnaireItem> Items { get; } = [.. ShortItems(), .. FullItems()];

    private static IEnumerable<QuestionnaireItem> ShortItems()
    {
        var items = new (string Code, string Dimension, ItemKind Kind, bool Na, string Text)[]
        {
            (OverallItem, Dimensions.Overall, ItemKind.Scale, false, "Nhìn chung, Ông/Bà hài lòng thế nào với toàn bộ quá trình giải quyết thủ tục hành chính?"),
            ("ACCESS", Dimensions.Access, ItemKind.Scale, false, "Ông/Bà hài lòng thế nào về việc tiếp cận dịch vụ (nơi tiếp nhận, hướng dẫn, trang thiết bị)?"),
            ("PROCEDURE", Dimensions.Procedure, ItemKind.Scale, false, "Ông/Bà hài lòng thế nào về thủ tục hành chính (công khai, hồ sơ, phí, thời hạn)?"),
            ("OFFICIAL", Dimensions.Official, ItemKind.Scale, false, "Ông/Bà hài lòng thế nào về công chức trực tiếp giải quyết công việc?"),
            ("RESULT", Dimensions.Result, ItemKind.Scale, false, "Ông/Bà hài lòng thế nào về kết quả giải quyết thủ tục hành chính?"),
            ("FEEDBACK", Dimensions.Feedback, ItemKind.Scale, true, "Ông/Bà hài lòng thế nào về việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị?"),
            ("COMMENT", Dimensions.Comment, ItemKind.Text, false, "Ông/Bà có góp ý gì thêm không? Xin nhắn nội dung góp ý."),
        };
        return items.Select((item, index) => Item(ShortV1Id, 100 + index, index + 1, item));
    }

    private static IEnumerable<QuestionnaireItem> FullItems()
    {
        var items = new (string Code, string Dimension, ItemKind Kind, bool Na, string Text)[]
        {
            ("ACCESS.1", Dimensions.Access, ItemKind.Scale, false, "Nơi tiếp nhận và trả kết quả có biển hiệu, hướng dẫn rõ ràng, dễ tìm."),
            ("ACCESS.2", Dimensions.Access, ItemKind.Scale, false, "Nơi tiếp nhận và trả kết quả có đủ ghế ngồi chờ và bàn viết."),
            ("ACCESS.3", Dimensions.Access, ItemKind.Scale, false, "Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, dễ sử dụng."),
            ("ACCESS.4", Dimensions.Access, ItemKind.Scale, false, "Thông tin về thủ tục dễ tìm trên cổng dịch vụ công và tại nơi tiếp nhận."),
            ("ACCESS.5", Dimensions.Access, ItemKind.Scale, true, "Việc nộp hồ sơ, tra cứu tiến độ trực tuyến thuận tiện."),
            ("PROCEDURE.1", Dimensions.Procedure, ItemKind.Scale, false, "Thủ tục hành chính được niêm yết công khai đầy đủ, dễ thấy, dễ đọc."),
            ("PROCEDURE.2", Dimensions.Procedure, ItemKind.Scale, false, "Thành phần hồ sơ và phí, lệ phí phải nộp đúng quy định."),
            ("PROCEDURE.3", Dimensions.Procedure, ItemKind.Scale, false, "Thời hạn giải quyết (từ khi tiếp nhận đến ngày trả kết quả) đúng quy định."),
            ("OFFICIAL.1", Dimensions.Official, ItemKind.Scale, false, "Công chức có thái độ giao tiếp lịch sự, tôn trọng."),
            ("OFFICIAL.2", Dimensions.Official, ItemKind.Scale, false, "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu, một lần là đủ."),
            ("OFFICIAL.3", Dimensions.Official, ItemKind.Scale, false, "Công chức trả lời, giải đáp đầy đủ, kịp thời các ý kiến của Ông/Bà."),
            ("OFFICIAL.4", Dimensions.Official, ItemKind.Scale, false, "Công chức tuân thủ đúng quy định trong giải quyết công việc."),
            ("RESULT.1", Dimensions.Result, ItemKind.Scale, false, "Kết quả được trả đúng hẹn."),
            ("RESULT.2", Dimensions.Result, ItemKind.Scale, false, "Kết quả đúng quy định."),
            ("RESULT.3", Dimensions.Result, ItemKind.Scale, false, "Kết quả có thông tin đầy đủ, chính xác."),
            ("RESULT.4", Dimensions.Result, ItemKind.Scale, false, "Việc giải quyết hồ sơ bảo đảm công bằng."),
            ("RESULT.5", Dimensions.Result, ItemKind.Scale, true, "Khi hồ sơ bị trễ hẹn, Ông/Bà nhận được văn bản xin lỗi và hẹn lại."),
            ("RESULT.6", Dimensions.Result, ItemKind.Scale, true, "Hình thức nhận kết quả (tại quầy, bưu chính, trực tuyến) thuận tiện."),
            ("FEEDBACK.1", Dimensions.Feedback, ItemKind.YesNo, false, "Ông/Bà có gửi góp ý, phản ánh, kiến nghị trong quá trình giải quyết thủ tục không?"),
            ("FEEDBACK.2", Dimensions.Feedback, ItemKind.Scale, true, "Hình thức tiếp nhận góp ý, phản ánh, kiến nghị dễ dàng, thuận tiện."),
            ("FEEDBACK.3", Dimensions.Feedback, ItemKind.Scale, true, "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý có trách nhiệm và thông báo kết quả kịp thời."),
            (OverallItem, Dimensions.Overall, ItemKind.Scale, false, "Nhìn chung, Ông/Bà hài lòng thế nào với toàn bộ quá trình giải quyết thủ tục hành chính?"),
            ("COMMENT", Dimensions.Comment, ItemKind.Text, false, "Ông/Bà có góp ý gì để chúng tôi phục vụ tốt hơn?"),
        };
        return items.Select((item, index) => Item(FullV1Id, 200 + index, index + 1, item));
    }

    private static QuestionnaireItem Item(Guid questionnaireId, int seq, int position, (string Code, string Dimension, ItemKind Kind, bool Na, string Text) item) => new()
    {
        Id = Guid.Parse($"0199a000-0000-7000-8001-{seq:D12}"),
        QuestionnaireId = questionnaireId,
        Position = position,
        Code = item.Code,
        Dimension = item.Dimension,
        Kind = item.Kind,
        AllowsNotApplicable = item.Na,
        TextVi = item.Text,
    };
}
