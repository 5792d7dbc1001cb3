package i18n

import "github.com/osipovichi/newsbot/subscriptions"

// BuiltinSections are the sections of this family of portals (the district
// executive committees' sites) that have names in every catalogue
// ("section.SLUG"): an operator configures them without naming them.
func BuiltinSections() []string {
	return []string{
		"news", "district", "official", "announcements", "economy", "agriculture", "society", "education",
		"culture", "sport", "health", "youth", "housing", "social", "law", "tourism", "emergencies",
	}
}

// Sections names the portal's sections for people. A section is known to
// the code by its slug (NEWSBOT_FEEDS: "district"), which is never shown:
// its name is the one the operator configured for the language
// (NEWSBOT_SECTION_NAMES), else the catalogue's, else the name the operator
// configured for another language. The zero value knows the catalogue's
// names only.
type Sections struct {
	names map[string]map[string]string // slug → language → name
}

// NewSections makes the names of sections from the operator's: by slug,
// then by language. Empty names are ignored.
func NewSections(names map[string]map[string]string) Sections {
	s := Sections{names: map[string]map[string]string{}}
	for slug, byLang := range names {
		for lang, name := range byLang {
			if name == "" || !subscriptions.ValidLanguage(lang) {
				continue
			}
			if s.names[slug] == nil {
				s.names[slug] = map[string]string{}
			}
			s.names[slug][lang] = name
		}
	}
	return s
}

// Named reports whether the section has a name in some language: a
// section without one is shown as "section.other".
func (s Sections) Named(slug string) bool {
	if len(s.names[slug]) > 0 {
		return true
	}
	_, ok := Lookup(Default, "section."+slug)
	return ok
}

// Name is the name of a section in lang (see Sections); never the slug.
func (s Sections) Name(lang, slug string) string {
	if n := s.names[slug][lang]; n != "" {
		return n
	}
	if n, ok := Lookup(lang, "section."+slug); ok {
		return n
	}
	for _, l := range subscriptions.Languages() {
		if n := s.names[slug][l]; n != "" {
			return n
		}
	}
	return T(lang, "section.other")
}
