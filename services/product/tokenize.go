package product

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search index is a table of (term, product, weight) maintained on
// every write of a product's name or description, so that search works
// the same on MySQL and SQLite without a full-text engine.
//
// Terms: runs of letters and digits in alphabetic scripts become lower-case
// words, with a plural "s" removed ("mugs" -> "mug"); runs of CJK
// characters (Han, kana, Hangul), which have no spaces between words,
// become every single character and every pair of adjacent characters, so
// that a query for the word 手机 finds 智能手机 through the pair 手机.
//
// Ranking: a product scores nameWeight for each query term in its name and
// descriptionWeight for each in its description, summed over the query's
// terms; a name match outranks up to nine description-only matches.
const (
	nameWeight        = 10
	descriptionWeight = 1
	// maxTermBytes is the width of product_terms.term; longer words are cut.
	maxTermBytes = 64
	// maxQueryTerms bounds the terms of one search.
	maxQueryTerms = 32
)

// isCJK reports whether r belongs to a script written without spaces
// between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// isWordRune reports whether r is part of an alphabetic word.
func isWordRune(r rune) bool {
	return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

// runs splits text into lower-case alphabetic words and CJK runs.
func runs(text string, word func(string), cjk func([]rune)) {
	text = strings.ToLower(text)
	var han []rune
	start := -1
	flushWord := func(end int) {
		if start >= 0 {
			word(text[start:end])
			start = -1
		}
	}
	flushHan := func() {
		if len(han) > 0 {
			cjk(han)
			han = nil
		}
	}
	for i, r := range text {
		switch {
		case isCJK(r):
			flushWord(i)
			han = append(han, r)
		case isWordRune(r):
			flushHan()
			if start < 0 {
				start = i
			}
		default:
			flushWord(i)
			flushHan()
		}
	}
	flushWord(len(text))
	flushHan()
}

// normalizeWord turns an alphabetic word into its term: single letters
// are dropped (digits stay), a plural "s" is removed, and long words are
// cut to maxTermBytes. It returns "" for words that make no term.
func normalizeWord(w string) string {
	if utf8.RuneCountInString(w) < 2 && !unicode.IsDigit([]rune(w)[0]) {
		return ""
	}
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		w = w[:len(w)-1]
	}
	return truncateUTF8(w, maxTermBytes)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// documentTerms returns the distinct terms of an indexed text: words,
// and every CJK character and pair.
func documentTerms(text string) map[string]bool {
	terms := map[string]bool{}
	runs(text, func(w string) {
		if t := normalizeWord(w); t != "" {
			terms[t] = true
		}
	}, func(han []rune) {
		for i := range han {
			terms[string(han[i])] = true
			if i+1 < len(han) {
				terms[string(han[i:i+2])] = true
			}
		}
	})
	return terms
}

// queryTerms returns the distinct terms of a search query, in order: words,
// and for CJK the pairs of a run (or its one character). At most
// maxQueryTerms are kept.
func queryTerms(query string) []string {
	var terms []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] && len(terms) < maxQueryTerms {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	runs(query, func(w string) { add(normalizeWord(w)) }, func(han []rune) {
		if len(han) == 1 {
			add(string(han))
			return
		}
		for i := 0; i+1 < len(han); i++ {
			add(string(han[i : i+2]))
		}
	})
	return terms
}

// indexTerms returns the search index rows of a product.
func indexTerms(productID int64, name, description string) []termRow {
	weights := map[string]int64{}
	for t := range documentTerms(name) {
		weights[t] += nameWeight
	}
	for t := range documentTerms(description) {
		weights[t] += descriptionWeight
	}
	rows := make([]termRow, 0, len(weights))
	for t, w := range weights {
		rows = append(rows, termRow{Term: t, ProductID: productID, Weight: w})
	}
	return rows
}
