package analyser

// Stop words: words in almost every text (prepositions, conjunctions,
// pronouns, auxiliaries) and the words of a question or a greeting
// ("здравствуйте", "подскажите", "когда", "будет"). A search leaves them
// out, a keyword cannot be only them. Kept as written and folded like any
// text when the set is built.
const (
	stopRu = `а без более больше будем будет будете будто будут бы был была были было быть в вам вас ведь вот
	во вообще все всегда всего всех всю вы где да даже дадут дайте дали два для до добрый доброе доброго
	если есть еще ж же за зачем здесь здравствуй здравствуйте знать и из или им ими их к как какая
	какие каким каких какое какой каком какую когда кого конечно который которая которое которые
	кто куда ли либо лучше между меня мне много может можно мой моя мы на над надо наконец нам нас
	не него нее ней нельзя нет ни нибудь никогда ним них ничего но ну нужно о об один однако он она
	они оно опять от очень перед по под подскажите пожалуйста после потом потому почему почти при
	привет про простите раз разве с сам свою себе себя сейчас сколько скажите со совсем спасибо так
	также такой там тебя тем теперь то тогда того тоже той только том тот тут ты у уж уже узнать
	хорошо хоть хотел хотела хотелось хочу чего чем через что чтобы чтоб эта эти это этого этой
	этом этот эту я`
	stopBe = `а але або без будзе будзем будуць бы быў была былі было быць вам вас ведаць вось вы
	вітаю дадуць даведацца дзе дзякуй для добры добрага добрай ды ён ёсць жа з за зараз калі каб
	кім які якая якое якія як што хто ці чаму чым і й з са ад да на над пад па пра праз пры перад
	паміж ля каля у ў ва мне мяне нам нас не няма ні но падкажыце скажыце сабе сябе таксама там
	трэба тут ты толькі ўжо хачу яго яе яна яны яшчэ мы можна гэта гэты гэтая гэтыя гэтае той тая
	тое тыя іх ім ёй яму вельмі прывітанне ласка колькі навошта`
	stopEn = `a about after again all also am an and any are as at be been before being but by can could
	dear did do does for from good had has have he hello her here hey hi him his how i if in into is
	it its just know me morning afternoon evening my no not of on or our please she should so some
	tell thank thanks that the their them then there these they this those to too us very want was
	we were what when where which who whom why will with would yes you your`
)

// stopWords is the set of folded stop words of all three languages.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{stopRu, stopBe, stopEn} {
		for _, w := range words(list) {
			m[w.text] = true
		}
	}
	return m
}()

// common reports whether a word carries no meaning of its own: a stop word
// or a single letter (a single digit does: "школа № 5").
func common(w word) bool {
	return stopWords[w.text] || w.script != scriptNumber && runeLen(w.text) < 2
}
