// detectLanguage: the natural language of an output's text, from a bounded prefix, code left out.
#include "Language.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace pv;

namespace {

struct Sample {
    const char* code;
    const char* text;
};

// A few sentences each, the way an assistant answers.
const Sample kParagraphs[] = {
    {"en", "Sure! Here is a short overview of how the cache works. When a request comes in, the server first checks "
           "whether the result is already stored. If it is, the cached value is returned immediately; otherwise the "
           "query runs and the result is saved for the next time. You should also set an expiry so that stale data "
           "does not stay around for too long."},
    {"de", "Gerne! Hier ist eine kurze Übersicht, wie der Cache funktioniert. Wenn eine Anfrage eingeht, prüft der "
           "Server zuerst, ob das Ergebnis bereits gespeichert ist. Ist das der Fall, wird der Wert sofort "
           "zurückgegeben; sonst wird die Abfrage ausgeführt und das Ergebnis für das nächste Mal gespeichert. Sie "
           "sollten außerdem eine Ablaufzeit setzen, damit veraltete Daten nicht zu lange bleiben."},
    {"fr", "Bien sûr ! Voici un bref aperçu du fonctionnement du cache. Lorsqu'une requête arrive, le serveur vérifie "
           "d'abord si le résultat est déjà enregistré. Si c'est le cas, la valeur est renvoyée immédiatement ; sinon "
           "la requête est exécutée et le résultat est conservé pour la prochaine fois. Vous devriez aussi définir une "
           "date d'expiration pour que les données obsolètes ne restent pas trop longtemps."},
    {"es", "¡Claro! Aquí tienes un breve resumen de cómo funciona la caché. Cuando llega una petición, el servidor "
           "comprueba primero si el resultado ya está guardado. Si es así, devuelve el valor de inmediato; si no, "
           "ejecuta la consulta y guarda el resultado para la próxima vez. También conviene fijar una caducidad para "
           "que los datos antiguos no se queden demasiado tiempo."},
    {"it", "Certo! Ecco una breve panoramica di come funziona la cache. Quando arriva una richiesta, il server "
           "controlla prima se il risultato è già salvato. Se è così, il valore viene restituito subito; altrimenti la "
           "query viene eseguita e il risultato viene salvato per la volta successiva. Dovresti anche impostare una "
           "scadenza, in modo che i dati vecchi non restino troppo a lungo."},
    {"pt", "Claro! Aqui está um breve resumo de como o cache funciona. Quando chega uma requisição, o servidor "
           "verifica primeiro se o resultado já está armazenado. Se estiver, o valor é devolvido imediatamente; caso "
           "contrário, a consulta é executada e o resultado é guardado para a próxima vez. Você também deve definir "
           "uma validade para que os dados antigos não fiquem por muito tempo."},
    {"nl", "Natuurlijk! Hier is een kort overzicht van hoe de cache werkt. Wanneer er een verzoek binnenkomt, "
           "controleert de server eerst of het resultaat al is opgeslagen. Als dat zo is, wordt de waarde meteen "
           "teruggegeven; anders wordt de query uitgevoerd en wordt het resultaat voor de volgende keer bewaard. Je "
           "moet ook een vervaltijd instellen, zodat oude gegevens niet te lang blijven staan."},
    {"sv", "Absolut! Här är en kort översikt över hur cachen fungerar. När en förfrågan kommer in kontrollerar servern "
           "först om resultatet redan är sparat. Om det är det returneras värdet direkt; annars körs frågan och "
           "resultatet sparas till nästa gång. Du bör också ange en utgångstid så att gammal data inte ligger kvar för "
           "länge."},
    {"da", "Selvfølgelig! Her er et kort overblik over, hvordan cachen virker. Når en forespørgsel kommer ind, tjekker "
           "serveren først, om resultatet allerede er gemt. Hvis det er, returneres værdien med det samme; ellers "
           "køres forespørgslen, og resultatet gemmes til næste gang. Du bør også sætte en udløbstid, så gamle data "
           "ikke bliver liggende for længe. Det er meget nemt at gøre efter opsætningen."},
    {"no", "Selvfølgelig! Her er en kort oversikt over hvordan hurtigbufferen virker. Når en forespørsel kommer inn, "
           "sjekker serveren først om resultatet allerede er lagret. Hvis det er det, returneres verdien med en gang; "
           "ellers kjøres spørringen, og resultatet lagres til neste gang. Du bør også sette en utløpstid, slik at "
           "gamle data ikke blir liggende for lenge. Det er mye enklere etter oppsettet, og det ble bra."},
    {"fi", "Totta kai! Tässä on lyhyt yleiskatsaus siitä, miten välimuisti toimii. Kun pyyntö saapuu, palvelin "
           "tarkistaa ensin, onko tulos jo tallennettu. Jos on, arvo palautetaan heti; muuten kysely suoritetaan ja "
           "tulos tallennetaan seuraavaa kertaa varten. Kannattaa myös asettaa vanhenemisaika, jotta vanhat tiedot "
           "eivät jää liian pitkäksi aikaa."},
    {"pl", "Oczywiście! Oto krótki przegląd tego, jak działa pamięć podręczna. Gdy przychodzi żądanie, serwer "
           "najpierw sprawdza, czy wynik jest już zapisany. Jeśli tak, wartość jest zwracana od razu; w przeciwnym "
           "razie zapytanie jest wykonywane, a wynik zapisywany na następny raz. Warto też ustawić czas wygaśnięcia, "
           "żeby stare dane nie zostawały zbyt długo."},
    {"cs", "Jistě! Tady je krátký přehled toho, jak funguje mezipaměť. Když přijde požadavek, server nejprve "
           "zkontroluje, zda je výsledek už uložený. Pokud ano, hodnota se vrátí okamžitě; jinak se dotaz provede a "
           "výsledek se uloží pro příště. Měli byste také nastavit dobu platnosti, aby stará data nezůstávala příliš "
           "dlouho."},
    {"tr", "Elbette! Önbelleğin nasıl çalıştığına dair kısa bir özet aşağıda. Bir istek geldiğinde sunucu önce "
           "sonucun zaten kayıtlı olup olmadığını kontrol eder. Eğer öyleyse değer hemen döndürülür; değilse sorgu "
           "çalıştırılır ve sonuç bir sonraki sefer için saklanır. Ayrıca eski verilerin çok uzun süre kalmaması için "
           "bir son kullanma süresi ayarlamanız gerekir."},
    {"ro", "Sigur! Iată o scurtă prezentare a modului în care funcționează memoria cache. Când sosește o cerere, "
           "serverul verifică mai întâi dacă rezultatul este deja salvat. Dacă da, valoarea este returnată imediat; "
           "altfel interogarea este executată și rezultatul este păstrat pentru data viitoare. Ar trebui de asemenea "
           "să setați un termen de expirare, pentru ca datele vechi să nu rămână prea mult timp."},
    {"hu", "Persze! Íme egy rövid áttekintés arról, hogyan működik a gyorsítótár. Amikor egy kérés érkezik, a szerver "
           "először ellenőrzi, hogy az eredmény el van-e már mentve. Ha igen, az értéket azonnal visszaadja; ha nem, "
           "lefuttatja a lekérdezést, és elmenti az eredményt a következő alkalomra. Érdemes lejárati időt is "
           "beállítani, hogy a régi adatok ne maradjanak meg túl sokáig."},
    {"id", "Tentu! Berikut ringkasan singkat tentang cara kerja cache. Ketika sebuah permintaan masuk, server akan "
           "memeriksa terlebih dahulu apakah hasilnya sudah disimpan. Jika sudah, nilai tersebut langsung "
           "dikembalikan; jika tidak, kueri dijalankan dan hasilnya disimpan untuk permintaan berikutnya. Anda juga "
           "harus mengatur waktu kedaluwarsa agar data lama tidak tersimpan terlalu lama."},
    {"vi", "Tất nhiên! Đây là tóm tắt ngắn về cách bộ nhớ đệm hoạt động. Khi có một yêu cầu đến, máy chủ sẽ kiểm tra "
           "trước xem kết quả đã được lưu hay chưa. Nếu có, giá trị được trả về ngay lập tức; nếu không, truy vấn sẽ "
           "được thực thi và kết quả được lưu lại cho lần sau. Bạn cũng nên đặt thời hạn để dữ liệu cũ không bị giữ "
           "quá lâu."},
    {"ru", "Конечно! Вот краткий обзор того, как работает кэш. Когда приходит запрос, сервер сначала проверяет, "
           "сохранён ли уже результат. Если да, значение возвращается сразу; иначе выполняется запрос, и результат "
           "сохраняется на следующий раз. Также стоит задать срок действия, чтобы устаревшие данные не хранились "
           "слишком долго."},
    {"uk", "Звісно! Ось короткий огляд того, як працює кеш. Коли надходить запит, сервер спочатку перевіряє, чи "
           "результат уже збережено. Якщо так, значення повертається одразу; інакше виконується запит, і результат "
           "зберігається на наступний раз. Також варто встановити термін дії, щоб застарілі дані не зберігалися "
           "надто довго."},
    {"bg", "Разбира се! Ето кратък преглед на това как работи кешът. Когато пристигне заявка, сървърът първо "
           "проверява дали резултатът вече е запазен. Ако е така, стойността се връща веднага; в противен случай "
           "заявката се изпълнява и резултатът се запазва за следващия път. Също така трябва да зададете срок на "
           "валидност, за да не остават старите данни твърде дълго."},
    {"sr", "Наравно! Ево кратког прегледа како ради кеш. Када стигне захтев, сервер прво проверава да ли је резултат "
           "већ сачуван. Ако јесте, вредност се одмах враћа; у супротном се упит извршава и резултат се чува за "
           "следећи пут. Такође треба да подесите рок важења, како стари подаци не би остали предуго."},
    {"el", "Φυσικά! Ακολουθεί μια σύντομη επισκόπηση του τρόπου λειτουργίας της κρυφής μνήμης. Όταν φτάνει ένα "
           "αίτημα, ο διακομιστής ελέγχει πρώτα αν το αποτέλεσμα είναι ήδη αποθηκευμένο. Αν ναι, η τιμή επιστρέφεται "
           "αμέσως· διαφορετικά εκτελείται το ερώτημα και το αποτέλεσμα αποθηκεύεται για την επόμενη φορά."},
    {"ar", "بالتأكيد! إليك نظرة عامة قصيرة على كيفية عمل ذاكرة التخزين المؤقت. عندما يصل طلب، يتحقق الخادم أولاً "
           "مما إذا كانت النتيجة محفوظة بالفعل. إذا كانت كذلك، تُعاد القيمة فوراً؛ وإلا يتم تنفيذ الاستعلام وحفظ "
           "النتيجة للمرة القادمة. يجب عليك أيضاً تحديد مدة صلاحية حتى لا تبقى البيانات القديمة لفترة طويلة."},
    {"fa", "حتماً! در اینجا یک مرور کوتاه از نحوه کار حافظه پنهان آمده است. وقتی یک درخواست می‌رسد، سرور ابتدا "
           "بررسی می‌کند که آیا نتیجه از قبل ذخیره شده است یا نه. اگر چنین باشد، مقدار فوراً برگردانده می‌شود؛ در "
           "غیر این صورت پرس‌وجو اجرا می‌شود و نتیجه برای دفعه بعد نگه داشته می‌شود."},
    {"ur", "ضرور! یہاں کیش کے کام کرنے کے طریقے کا مختصر جائزہ ہے۔ جب کوئی درخواست آتی ہے تو سرور پہلے دیکھتا ہے "
           "کہ نتیجہ پہلے سے محفوظ ہے یا نہیں۔ اگر ہے تو قدر فوراً واپس کر دی جاتی ہے، ورنہ سوال چلایا جاتا ہے اور "
           "نتیجہ اگلی بار کے لیے رکھ لیا جاتا ہے۔"},
    {"he", "בטח! הנה סקירה קצרה של האופן שבו המטמון עובד. כאשר מגיעה בקשה, השרת בודק קודם אם התוצאה כבר שמורה. "
           "אם כן, הערך מוחזר מיד; אחרת השאילתה מורצת והתוצאה נשמרת לפעם הבאה. כדאי גם להגדיר זמן תפוגה כדי "
           "שנתונים ישנים לא יישארו יותר מדי זמן."},
    {"hi", "ज़रूर! यहाँ कैश के काम करने के तरीके का एक छोटा सा अवलोकन है। जब कोई अनुरोध आता है, तो सर्वर पहले जाँचता "
           "है कि परिणाम पहले से सहेजा गया है या नहीं। अगर हाँ, तो मान तुरंत लौटा दिया जाता है; नहीं तो क्वेरी चलाई "
           "जाती है और परिणाम अगली बार के लिए सहेज लिया जाता है।"},
    {"th", "ได้เลย! นี่คือภาพรวมสั้น ๆ ของวิธีการทำงานของแคช เมื่อมีคำขอเข้ามา เซิร์ฟเวอร์จะตรวจสอบก่อนว่าผลลัพธ์ถูกบันทึก"
           "ไว้แล้วหรือไม่ ถ้าใช่ ค่าจะถูกส่งกลับทันที มิฉะนั้นจะเรียกใช้คำสั่งค้นหาและบันทึกผลลัพธ์ไว้สำหรับครั้งถัดไป"},
    {"ja", "もちろんです！キャッシュの仕組みを簡単に説明します。リクエストが届くと、サーバーはまず結果がすでに保存されているか"
           "を確認します。保存されていれば値をすぐに返し、そうでなければクエリを実行して結果を次回のために保存します。"
           "古いデータが長く残らないように、有効期限も設定してください。"},
    {"zh", "当然可以！下面简要介绍一下缓存的工作原理。当请求到达时，服务器首先检查结果是否已经保存。如果已经保存，就立即"
           "返回该值；否则执行查询，并把结果保存起来供下次使用。你还应该设置过期时间，以免旧数据保留太久。"},
    {"ko", "물론입니다! 캐시가 어떻게 동작하는지 간단히 설명해 드리겠습니다. 요청이 들어오면 서버는 먼저 결과가 이미 "
           "저장되어 있는지 확인합니다. 저장되어 있다면 값을 바로 반환하고, 그렇지 않으면 쿼리를 실행한 뒤 다음을 위해 "
           "결과를 저장합니다. 오래된 데이터가 너무 오래 남지 않도록 만료 시간도 설정하세요."},
    {"hy", "Իհարկե։ Ահա համառոտ ակնարկ, թե ինչպես է աշխատում քեշը։ Երբ հարցում է գալիս, սերվերը նախ ստուգում է, "
           "արդյոք արդյունքն արդեն պահպանված է։ Եթե այո, արժեքն անմիջապես վերադարձվում է, հակառակ դեպքում հարցումը "
           "կատարվում է, և արդյունքը պահվում է հաջորդ անգամվա համար։"},
    {"ka", "რა თქმა უნდა! აი მოკლე მიმოხილვა იმისა, თუ როგორ მუშაობს ქეში. როდესაც მოთხოვნა შემოდის, სერვერი ჯერ "
           "ამოწმებს, უკვე შენახულია თუ არა შედეგი. თუ კი, მნიშვნელობა მაშინვე ბრუნდება; წინააღმდეგ შემთხვევაში "
           "მოთხოვნა სრულდება და შედეგი ინახება შემდეგი ჯერისთვის."},
    {"bn", "অবশ্যই! ক্যাশ কীভাবে কাজ করে তার একটি সংক্ষিপ্ত বিবরণ এখানে দেওয়া হলো। যখন একটি অনুরোধ আসে, সার্ভার "
           "প্রথমে দেখে ফলাফলটি আগে থেকেই সংরক্ষিত আছে কি না। থাকলে মানটি সঙ্গে সঙ্গে ফেরত দেওয়া হয়; না থাকলে "
           "কোয়েরি চালানো হয় এবং পরের বারের জন্য ফলাফল সংরক্ষণ করা হয়।"},
    {"ta", "நிச்சயமாக! கேஷ் எப்படி வேலை செய்கிறது என்பதற்கான சுருக்கமான விளக்கம் இதோ. ஒரு கோரிக்கை வரும்போது, "
           "சர்வர் முதலில் முடிவு ஏற்கனவே சேமிக்கப்பட்டுள்ளதா என்று சரிபார்க்கிறது. ஆம் என்றால், மதிப்பு உடனே "
           "திருப்பி அனுப்பப்படுகிறது; இல்லையெனில் வினவல் இயக்கப்பட்டு முடிவு அடுத்த முறைக்காக சேமிக்கப்படுகிறது."},
};

std::string repeatTo(const std::string& piece, size_t bytes) {
    std::string out;
    out.reserve(bytes + piece.size());
    while (out.size() < bytes) out += piece;
    return out;
}

const char* paragraph(const char* code) {
    for (const auto& s : kParagraphs)
        if (std::string(s.code) == code) return s.text;
    return "";
}

} // namespace

TEST_CASE("a paragraph in each supported language is detected as that language") {
    for (const auto& s : kParagraphs) {
        const std::string code = s.code;
        CAPTURE(code);
        CHECK(detectLanguage(s.text) == code);
    }
}

TEST_CASE("every language the detector returns is known, named, and has a paragraph here") {
    const auto& known = knownLanguages();
    CHECK(known.size() == std::size(kParagraphs));
    for (const auto& code : known) {
        CAPTURE(code);
        CHECK(languageName(code) != nullptr);
        CHECK(isLanguageCode(code));
        CHECK(std::string(paragraph(code.c_str())) != "");
    }
    // Ordered by English name, for a picker.
    CHECK(std::is_sorted(known.begin(), known.end(),
                         [](const std::string& a, const std::string& b) { return std::string(languageName(a)) < languageName(b); }));
}

TEST_CASE("languageName") {
    CHECK(std::string(languageName("en")) == "English");
    CHECK(std::string(languageName("de")) == "German");
    CHECK(std::string(languageName("zh")) == "Chinese");
    CHECK(std::string(languageName("uk")) == "Ukrainian");
    CHECK(languageName("") == nullptr);
    CHECK(languageName("xx") == nullptr);
    CHECK(languageName("EN") == nullptr);
    CHECK(languageName("english") == nullptr);
}

TEST_CASE("isLanguageCode accepts the shape of a hand-set code and rejects the rest") {
    for (const char* ok : {"en", "de", "fil", "pt-br", "zh-hant", "es-419", "pt-BR", "sr-latn", "en-gb"}) {
        CAPTURE(ok);
        CHECK(isLanguageCode(ok));
    }
    for (const char* bad : {"", "e", "EN", "En", "engl", "en-", "-en", "en-a", "en-abcde", "en_us", "en-u$", "en-gb-x",
                            "en gb", " en", "en ", "e1", "日本"}) {
        CAPTURE(bad);
        CHECK_FALSE(isLanguageCode(bad));
    }
    CHECK_FALSE(isLanguageCode(std::string_view("en\0", 3)));
}

TEST_CASE("too little text, numbers, punctuation or code alone give no answer") {
    CHECK(detectLanguage("") == "");
    CHECK(detectLanguage("   \n\t ") == "");
    CHECK(detectLanguage("OK") == "");
    CHECK(detectLanguage("Thanks!") == "");
    CHECK(detectLanguage("12345 67.8 -> 90%, (1, 2, 3) !!! ???") == "");
    CHECK(detectLanguage("😀🎉👍") == "");
    CHECK(detectLanguage("https://example.com/the/and/of/to/is/that/it/for/you") == "");
    CHECK(detectLanguage("```python\nfor item in items:\n    if item is not None and item.ready:\n        print(item)\n```") == "");
    CHECK(detectLanguage("int main() {\n    for (int i = 0; i < n; ++i) {\n        if (a[i] == b) return i;\n    }\n}\n") == "");
    CHECK(detectLanguage("`the` `and` `of` `this` `is` `for`") == "");
    CHECK(detectLanguage("SELECT name, count(*) FROM users WHERE age > 30 AND active IS NOT NULL GROUP BY name ORDER BY 2") == "");
}

TEST_CASE("code fences, inline code and URLs are left out; the prose around them decides") {
    const std::string answer =
        "Here is a function that returns the sum of a list. It works with any iterable, and you can pass a start "
        "value if you need one:\n\n"
        "```python\n"
        "def somma(valori, inizio=0):\n"
        "    # la funzione che somma tutti i valori della lista per il totale\n"
        "    totale = inizio\n"
        "    for v in valori:\n"
        "        totale += v\n"
        "    return totale\n"
        "```\n\n"
        "Call `somma(la_lista, per_il_totale)` with the list, and see https://docs.python.org/it/3/della/lista for more.\n";
    CHECK(detectLanguage(answer) == "en");

    // A fence opened with ~~~ closes only with ~~~, and one with four backticks only with four or more.
    const std::string nested = "~~~\n```\nè la che della per il non una sono questo\n```\n~~~\n" + std::string(paragraph("de"));
    CHECK(detectLanguage(nested) == "de");
    const std::string longFence = "````md\n```\nè la che della per il non\n```\nsono questo molto\n````\n" + std::string(paragraph("fr"));
    CHECK(detectLanguage(longFence) == "fr");

    // An unclosed fence hides the rest of the sample.
    CHECK(detectLanguage(std::string("```\n") + paragraph("en")) == "");
}

TEST_CASE("a long code block before the prose does not use up the sample") {
    std::string text = "```cpp\n";
    text += repeatTo("int the_value_of_this = compute(and, of, to, is, that, it, for, you);\n", 30 * 1024);
    text += "```\n";
    text += paragraph("es");
    CHECK(detectLanguage(text) == "es");
}

TEST_CASE("mixed text takes the language of most of the letters") {
    const std::string mostlyGerman = std::string(paragraph("de")) + " " + paragraph("de") + "\n\nIn short: the cache is fast.";
    CHECK(detectLanguage(mostlyGerman) == "de");
    const std::string mostlyRussian = std::string(paragraph("ru")) + " Use the Redis TTL option for that.";
    CHECK(detectLanguage(mostlyRussian) == "ru");
    // Chinese with English product names: the Han characters still carry it.
    CHECK(detectLanguage("你可以使用 Python 的 requests 库发送 HTTP 请求，然后用 json 方法解析返回的数据。") == "zh");
}

TEST_CASE("Japanese and Chinese are told apart by kana") {
    CHECK(detectLanguage(paragraph("ja")) == "ja");
    CHECK(detectLanguage(paragraph("zh")) == "zh");
    CHECK(detectLanguage("東京都の天気予報を確認してください。") == "ja");      // kanji-heavy, still some kana
    CHECK(detectLanguage("请确认北京市明天的天气预报。") == "zh");
    CHECK(detectLanguage("カタカナだけのテキストメッセージ") == "ja");
    // One Japanese title quoted in Chinese text does not make it Japanese.
    CHECK(detectLanguage("这部动画片《ポケモン》在中国也非常受欢迎，很多孩子每天放学以后都会看，家长们也很喜欢这个节目。") == "zh");
}

TEST_CASE("Ukrainian and Russian are told apart") {
    CHECK(detectLanguage(paragraph("uk")) == "uk");
    CHECK(detectLanguage(paragraph("ru")) == "ru");
    CHECK(detectLanguage("Дякую, це дуже корисна інформація, і я її використаю.") == "uk");
    CHECK(detectLanguage("Спасибо, это очень полезная информация, и я её использую.") == "ru");
}

TEST_CASE("invalid UTF-8 and embedded NULs do not crash, and the letters around them still count") {
    std::string broken = paragraph("de");
    broken.insert(10, "\xFF\xFE\xC0\x80\xED\xA0\x80\xF5\x80\x80\x80");  // invalid bytes, overlong NUL, surrogate
    broken.insert(40, std::string("\0\0", 2));
    broken += "\xE2\x82";  // a truncated sequence at the very end
    CHECK(detectLanguage(broken) == "de");

    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 37 + 11) % 256);
    CHECK_NOTHROW((void)detectLanguage(garbage));
    CHECK(detectLanguage(std::string(1000, '\0')) == "");
    CHECK(detectLanguage(std::string(1000, '\x80')) == "");
    CHECK(detectLanguage(std::string(1000, '\xF0')) == "");

    // Random mixes of fence, backtick, URL and multi-byte pieces: every answer is a known code or "".
    const char* pieces[] = {"```", "~~~", "`", "\n", " ", "http://", "www.", "the ", "und ", "\xC3", "\xA9", "\xE3\x81",
                            "\x82", "\xF0\x9F", "ы", "і", "の", "中", "ㅎ", ";", "{", "é"};
    uint32_t seed = 12345;
    for (int round = 0; round < 500; ++round) {
        std::string text;
        const int n = static_cast<int>((seed = seed * 1664525u + 1013904223u) >> 24);
        for (int i = 0; i < n; ++i) text += pieces[((seed = seed * 1664525u + 1013904223u) >> 16) % std::size(pieces)];
        const std::string got = detectLanguage(text);
        CHECK((got.empty() || languageName(got) != nullptr));
    }
}

TEST_CASE("a 20 MB text is judged by its prefix only") {
    // English for the first few KB, then Russian for the other 20 MB: reading it all would say Russian.
    std::string text = repeatTo(std::string(paragraph("en")) + "\n", 6 * 1024);
    text += repeatTo(std::string(paragraph("ru")) + "\n", 20u << 20);
    CHECK(detectLanguage(text) == "en");

    // And the cut falls mid-character without harm: only Japanese, 3-byte characters, ~20 MB.
    const std::string ja = repeatTo(std::string(paragraph("ja")) + "x", 20u << 20);
    CHECK(detectLanguage(ja) == "ja");
    CHECK(detectLanguage(std::string_view(ja).substr(1)) == "ja");  // starts on a continuation byte
}

TEST_CASE("short but clear text is detected") {
    CHECK(detectLanguage("What is the difference between a list and a tuple in Python?") == "en");
    CHECK(detectLanguage("Wie kann ich in Python eine Liste sortieren, ohne sie zu verändern?") == "de");
    CHECK(detectLanguage("¿Cuál es la diferencia entre una lista y una tupla en Python?") == "es");
    CHECK(detectLanguage("Quelle est la différence entre une liste et un tuple en Python ?") == "fr");
}

TEST_CASE("a long text is decided by its beginning once that is clear") {
    // About 1 KB of plain English, then 7 KB of German: the whole 8 KB sample would say German,
    // but the English beginning is already clear, so reading stops there.
    std::string text = repeatTo(std::string(paragraph("en")) + "\n", 1024);
    text += repeatTo(std::string(paragraph("de")) + "\n", 7 * 1024);
    CHECK(detectLanguage(text) == "en");
    // A beginning that is not clear (names, no function words) does not stop it: the German after it decides.
    std::string unclear = repeatTo("Kubernetes Docker Redis Postgres Nginx Grafana Prometheus Kafka\n", 1024);
    unclear += repeatTo(std::string(paragraph("de")) + "\n", 4 * 1024);
    CHECK(detectLanguage(unclear) == "de");
}

TEST_CASE("utf8Prefix never cuts a character in two and keeps every whole one that fits") {
    // 1-, 2-, 3- and 4-byte characters in turn, so every kind of cut comes up.
    const std::string text = repeatTo("a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80", 64);
    auto isContinuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
    for (size_t max = 0; max <= text.size() + 1; ++max) {
        const std::string_view cut = utf8Prefix(text, max);
        CAPTURE(max);
        REQUIRE(cut.size() <= max);
        CHECK(cut == std::string_view(text).substr(0, cut.size()));
        if (cut.size() < text.size()) CHECK_FALSE(isContinuation(text[cut.size()]));  // ends on a boundary
        // Maximal: what was left out of the budget is part of one character (at most 3 bytes).
        CHECK(std::min(max, text.size()) - cut.size() <= 3);
    }
    CHECK(utf8Prefix("", 10).empty());
    CHECK(utf8Prefix("abc", 10) == "abc");
    CHECK(utf8Prefix("\xE3\x81\x82", 2).empty());  // the only character does not fit
}
