package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Realistic items of the osipovichi.gov.by portal, in its three languages.

func minsk() *time.Location {
	loc, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		panic(err)
	}
	return loc
}

const portal = "https://osipovichi.gov.by"

func articleEN() subscriptions.Article {
	return subscriptions.Article{
		ID:    101,
		Title: "Belarus, Russia approve Union State information security concept",
		Summary: "Belarus and Russia have approved the concept of information security of the Union State. " +
			"The document sets out common approaches to protecting the information space of the two countries, " +
			"countering disinformation and ensuring the security of critical information infrastructure.\n" +
			"The concept is to become the basis for the joint work of the state bodies of Belarus and Russia in this field.",
		Link:      portal + "/en/news-en/view/belarus-russia-approve-union-state-information-security-concept-41234-2023/",
		ImageURL:  portal + "/files/00570/obj/110/41234/img/union_state.jpg",
		Published: time.Date(2023, time.March, 2, 7, 47, 0, 0, time.UTC), // 10:47 in Minsk
		Section:   "news",
		Language:  "en",
	}
}

func articleRU() subscriptions.Article {
	return subscriptions.Article{
		ID:    102,
		Title: "ОАО «Осиповичский завод автомобильных агрегатов» подвёл итоги работы за 2022 год",
		Summary: "Объём производства на предприятии вырос на 8,4 %, экспорт — на 12 %. " +
			"Доля новой продукции в отгрузке превысила 25 %, а средняя заработная плата — 1 800 рублей.\n\n" +
			"В 2023 году завод продолжит модернизацию: запланировано обновление линии механической обработки " +
			"и запуск участка по выпуску комплектующих для ОАО «МАЗ» & ОАО «БелАЗ».",
		Link:      portal + "/ru/economy-ru/view/oao-osipovichskij-zavod-avtomobilnyx-agregatov-podvel-itogi-raboty-za-2022-god-41198-2023/",
		ImageURL:  portal + "/files/00570/obj/110/41198/img/ozaa.jpg",
		Published: time.Date(2023, time.February, 28, 12, 5, 0, 0, time.UTC),
		Section:   "economy",
		Language:  "ru",
	}
}

func articleBE() subscriptions.Article {
	return subscriptions.Article{
		ID:    103,
		Title: "У Асіповічах адбыўся раённы этап фестывалю-конкурсу «Напеў зямлі маёй»",
		Summary: "У раённым цэнтры культуры сабраліся самадзейныя калектывы з усіх сельсаветаў раёна. " +
			"Журы адзначыла высокі ўзровень выканаўчага майстэрства ўдзельнікаў і захаванне мясцовых традыцый.\n" +
			"Пераможцы прадставяць Асіповіцкі раён на абласным этапе конкурсу ў Магілёве.",
		Link:      portal + "/be/society-be/view/u-asipovichax-adbyusja-rajonny-etap-festyvalju-konkursu-napeu-zjamli-maej-41250-2023/",
		ImageURL:  portal + "/files/00570/obj/110/41250/img/napeu.jpg",
		Published: time.Date(2023, time.March, 3, 21, 30, 0, 0, time.UTC), // after midnight in Minsk
		Section:   "society",
		Language:  "be",
	}
}

func articleFor(lang string) subscriptions.Article {
	switch lang {
	case "en":
		return articleEN()
	case "be":
		return articleBE()
	}
	return articleRU()
}

// longParagraphs is text in the article's language, repeated well past the
// caption and message limits.
func longParagraphs(lang string, n int) string {
	p := map[string]string{
		"ru": "На заседании Осиповичского районного исполнительного комитета рассмотрены вопросы подготовки " +
			"к весенне-полевым работам, благоустройства населённых пунктов и ремонта дорог местного значения. " +
			"Руководителям организаций поручено обеспечить своевременную подготовку техники и кадров.",
		"be": "На пасяджэнні Асіповіцкага раённага выканаўчага камітэта разгледжаны пытанні падрыхтоўкі " +
			"да веснавых палявых работ, добраўпарадкавання населеных пунктаў і рамонту дарог мясцовага значэння. " +
			"Кіраўнікам арганізацый даручана забяспечыць своечасовую падрыхтоўку тэхнікі і кадраў.",
		"en": "The Osipovichi District Executive Committee discussed preparations for the spring field work, " +
			"the improvement of towns and villages and the repair of local roads. " +
			"Heads of organisations were instructed to have machinery and staff ready in time.",
	}[lang]
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s", i+1, p)
	}
	return b.String()
}

// newsItems are a fortnight of portal news in the three languages.
func newsItems() []subscriptions.Article {
	type item struct{ lang, section, slug, title, summary string }
	items := []item{
		{"en", "news", "belarus-russia-approve-union-state-information-security-concept",
			"Belarus, Russia approve Union State information security concept",
			articleEN().Summary},
		{"ru", "announcements", "predsedatel-rajispolkoma-provedet-vyezdnoj-priem-grazhdan",
			"Председатель райисполкома проведёт выездной приём граждан в Лапичах",
			"14 марта с 8.00 до 13.00 председатель Осиповичского районного исполнительного комитета проведёт " +
				"выездной приём граждан в Лапичском сельисполкоме. Предварительная запись — в отделе по работе " +
				"с обращениями граждан и юридических лиц райисполкома."},
		{"ru", "economy", "oao-osipovichskij-zavod-avtomobilnyx-agregatov-podvel-itogi",
			articleRU().Title, articleRU().Summary},
		{"be", "society", "u-asipovichax-adbyusja-rajonny-etap-festyvalju-konkursu",
			articleBE().Title, articleBE().Summary},
		{"ru", "society", "v-osipovichax-projdet-akcija-chistyj-bereg",
			"В Осиповичах пройдёт экологическая акция «Чистый берег»",
			"Жителей района приглашают присоединиться к уборке берегов Осиповичского водохранилища. " +
				"Сбор участников в субботу в 10.00 у лодочной станции. Перчатки и мешки для мусора организаторы " +
				"выдадут на месте, желающих ждёт горячий чай и полевая кухня."},
		{"be", "news", "asipovickija-shkolniki-staali-pryzerami-voblasnoj-alimpijady",
			"Асіповіцкія школьнікі сталі прызёрамі абласной алімпіяды",
			"Вучні гімназіі № 1 і сярэдняй школы № 2 г. Асіповічы заваявалі чатыры дыпломы на трэцім этапе " +
				"рэспубліканскай алімпіяды па вучэбных прадметах. Найлепшыя вынікі паказалі знаўцы " +
				"беларускай мовы, гісторыі і хіміі."},
		{"ru", "economy", "na-osipovichskoj-ptitsefabrike-zapushchen-novyj-tsekh",
			"На птицефабрике района запущен новый цех глубокой переработки",
			"Новый цех позволит выпускать до 20 тонн полуфабрикатов в сутки и создаст 35 рабочих мест. " +
				"Продукция будет поставляться в торговые сети Могилёвской области и на экспорт в Российскую " +
				"Федерацию и Казахстан."},
		{"en", "news", "osipovichi-district-hosts-regional-forum-of-young-specialists",
			"Osipovichi District hosts regional forum of young specialists",
			"More than 150 young specialists from enterprises and organisations of Mogilev Oblast gathered in " +
				"Osipovichi to discuss career growth, housing support and the role of young people in the " +
				"development of small towns. The forum ended with a Q&A session with heads of the district."},
		{"ru", "announcements", "o-provedenii-pryamoj-telefonnoj-linii",
			"О проведении «прямой телефонной линии» с заместителем председателя райисполкома",
			"В субботу с 9.00 до 12.00 заместитель председателя Осиповичского райисполкома проведёт " +
				"«прямую телефонную линию». Вопросы можно будет задать о работе жилищно-коммунального хозяйства, " +
				"благоустройстве и ремонте жилья."},
		{"be", "society", "u-rajonnaj-bibliyatecy-adkrylasja-vystava-da-dnja-pismenstva",
			"У раённай бібліятэцы адкрылася выстава да Дня беларускага пісьменства",
			"На выставе прадстаўлены рэдкія выданні з фондаў бібліятэкі, кнігі мясцовых аўтараў і матэрыялы " +
				"пра гісторыю друку на Асіповіччыне. Наведаць экспазіцыю можна штодня, акрамя нядзелі, " +
				"з 10.00 да 18.00."},
		{"ru", "news", "v-rajone-startovala-podpisnaja-kampanija",
			"В районе стартовала подписная кампания на второе полугодие",
			"Оформить подписку на районную газету «Асіповіцкі край» и другие периодические издания можно во всех " +
				"отделениях почтовой связи района. Для ветеранов и пенсионеров действуют льготные условия, " +
				"подробности — у почтальонов."},
		{"ru", "economy", "selxozorganizacii-rajona-zavershili-sev-yarovyx",
			"Сельхозорганизации района завершили сев яровых зерновых",
			"Яровые зерновые и зернобобовые культуры посеяны на площади более 9 тысяч гектаров. Аграрии " +
				"переходят к севу кукурузы и уходу за посевами озимых. Ход работ находится на контроле " +
				"районного исполнительного комитета."},
		{"be", "news", "asipovichy-pryniali-estafetu-mira",
			"Асіповічы прынялі эстафету міру і стварэння",
			"Урачыстае мерапрыемства адбылося на плошчы Леніна. Эстафету ад суседзяў з Бабруйскага раёна " +
				"прынялі прадстаўнікі працоўных калектываў, ветэраны і моладзь. Далей яна адправіцца ў Пухавіцкі раён " +
				"Мінскай вобласці."},
		{"en", "news", "osipovichi-marks-day-of-national-unity",
			"Osipovichi marks the Day of National Unity",
			"A rally, a concert and an exhibition of local crafts were held in the central square of Osipovichi. " +
				"Residents laid flowers at the memorial, and young people of the district joined the patriotic " +
				"quest organised by the youth union."},
		{"ru", "society", "v-osipovichax-otkrylsja-sezon-na-otkrytom-katke",
			"В Осиповичах открылся сезон на открытом катке",
			"Каток у физкультурно-оздоровительного центра работает ежедневно с 10.00 до 21.00. Прокат коньков " +
				"доступен для взрослых и детей, по выходным на льду проходят тематические дискотеки и соревнования " +
				"среди школьных команд."},
		{"be", "announcements", "ab-zmene-raskladu-ruxu-autobusau",
			"Аб змене раскладу руху прыгарадных аўтобусаў",
			"З 1 красавіка змяняецца расклад руху аўтобусаў па маршрутах Асіповічы — Лапічы і Асіповічы — Ясень. " +
				"Падрабязны расклад размешчаны на аўтавакзале і на сайце перавозчыка. Просім пасажыраў " +
				"улічваць змены пры планаванні паездак."},
		{"en", "economy", "osipovichi-enterprises-increase-exports-to-china",
			"Osipovichi enterprises increase exports to China",
			"Exports of goods from Osipovichi District to China grew by more than a third in the past year. " +
				"Timber, dairy products and mechanical engineering products account for most of the supplies, " +
				"and new contracts were signed at the Belarusian Export Forum."},
	}
	start := time.Date(2023, time.March, 2, 7, 47, 0, 0, time.UTC)
	out := make([]subscriptions.Article, len(items))
	for i, it := range items {
		out[i] = subscriptions.Article{
			ID:        int64(200 + i),
			Key:       it.slug,
			Title:     it.title,
			Summary:   it.summary,
			Link:      fmt.Sprintf("%s/%s/%s-%s/view/%s-%d-2023/", portal, it.lang, it.section, it.lang, it.slug, 41300+i),
			Published: start.Add(-time.Duration(i) * 17 * time.Hour),
			Section:   it.section,
			Language:  it.lang,
		}
	}
	return out
}
