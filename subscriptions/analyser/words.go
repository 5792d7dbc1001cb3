package analyser

// Words returns the words of a text folded as the analyser folds them
// (lower case, ё as е, accents, invisible characters and apostrophes
// inside words dropped, Latin look-alikes in Cyrillic words fixed), not
// stemmed: for comparing texts as wholes, such as two headlines of one
// story.
func Words(text string) []string {
	ws := words(text)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}
