package analyser

import (
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/russian"
)

// lang is the language whose stemmer a word gets.
type lang uint8

const (
	langNone lang = iota // numbers and other scripts: compared whole
	langRu
	langBe
	langEn
)

// cyrillicLang tells what a Cyrillic word's own letters say about its
// language: Belarusian for і, ў, an apostrophe between letters, "ць"
// (never Russian) or э after a consonant ("рэгіён", "цэнтр"); Russian for
// и, щ, ъ, which Belarusian lacks; langNone when they say nothing
// ("вада", "сад", "рамонт").
func cyrillicLang(w word) lang {
	if w.script != scriptCyrillic {
		return langNone
	}
	be, ru := w.apostrophe || strings.HasSuffix(w.text, "ыя"), false
	prev := rune(0)
	for _, r := range w.text {
		switch {
		case r == 'і' || r == 'ў' || r == 'ь' && prev == 'ц':
			be = true
		case r == 'э' && prev != 0 && !strings.ContainsRune(cyrillicVowels+"ьъй", prev):
			be = true
		case r == 'и' || r == 'щ' || r == 'ъ':
			ru = true
		}
		prev = r
	}
	switch {
	case be:
		return langBe
	case ru:
		return langRu
	}
	return langNone
}

const cyrillicVowels = "аеёиіоуыэюя"

// textLang decides the language of the Cyrillic words whose letters say
// nothing: Belarusian when more words of the text show Belarusian letters
// than Russian ones, Russian otherwise (the portal's first language).
func textLang(ws []word) lang {
	var ru, be int
	for _, w := range ws {
		switch cyrillicLang(w) {
		case langRu:
			ru++
		case langBe:
			be++
		}
	}
	if be > ru {
		return langBe
	}
	return langRu
}

// stemmer reduces words to stems. It is not safe for concurrent use: each
// analysis makes its own.
type stemmer struct {
	env *snowballstem.Env
}

func newStemmer() *stemmer { return &stemmer{env: snowballstem.NewEnv("")} }

// stem returns the folded stem of a folded word and the suffix it cut off:
// the suffix tells a keyword's forms from other words of the same stem (see
// paradigm.go). Russian and English go through the Snowball stemmers,
// Belarusian through stemBelarusian; і and ў are folded into и and у
// afterwards so that both spellings of a stem meet. Where the stem is not
// the start of the word (English: library → librari) the suffix is the
// whole word, which identifies the form as well. Numbers and words of
// other scripts are their own stem.
func (s *stemmer) stem(w string, l lang) (stem, suffix string) {
	switch l {
	case langRu:
		s.env.SetCurrent(w)
		russian.Stem(s.env)
		stem = s.env.Current()
	case langBe:
		stem = stemBelarusian(w)
	case langEn:
		s.env.SetCurrent(w)
		english.Stem(s.env)
		stem = s.env.Current()
	default:
		return w, ""
	}
	if !strings.HasPrefix(w, stem) {
		return foldBelarusian(stem), foldBelarusian(w)
	}
	return foldBelarusian(stem), foldBelarusian(w[len(stem):])
}
