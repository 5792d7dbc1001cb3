package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestTextKeysExist reads the code of bot, bot/render and bot/i18n for the
// keys it passes to i18n.T (directly, through a local variable, or through
// a wrapper such as /stats' t) and fails when a key is missing from any
// catalogue. A key built from a literal prefix and data ("command."+name)
// must be a family listed here with its values; any other key expression
// fails the test, so that nothing goes unchecked.
func TestTextKeysExist(t *testing.T) {
	h := newHarness(t, harnessOptions{noStart: true})
	var months, weekdays []string
	for m := 1; m <= 12; m++ {
		months = append(months, strconv.Itoa(m))
	}
	problems := []string{"unknown"}
	for _, p := range feed.Problems {
		problems = append(problems, string(p))
	}
	for d := range 7 {
		weekdays = append(weekdays, strconv.Itoa(d))
	}
	families := map[string][]string{
		"command.":                      h.bot.menu,
		"notice.button.lang.":           subscriptions.Languages(),
		"notice.audience.lang.":         subscriptions.Languages(),
		"notice.audience.section_lang.": subscriptions.Languages(),
		"month.":                        months,
		"feed.problem.":                 problems,
		"weekday.short.":                weekdays,
		"weekday.every.":                weekdays,
	}
	checked := 0
	check := func(pos token.Position, key string) {
		checked++
		for _, lang := range subscriptions.Languages() {
			if _, ok := i18n.Lookup(lang, key); !ok {
				t.Errorf("%s: text %q is missing in %s", pos, key, lang)
			}
		}
	}
	for _, dir := range []string{".", "render", "i18n"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range textKeys(f, f.Name.Name == "i18n") {
				pos := fset.Position(k.pos)
				switch {
				case k.literal != "":
					check(pos, k.literal)
				case k.prefix != "":
					values, ok := families[k.prefix]
					if !ok {
						t.Errorf("%s: key family %q… is not listed in this test: add its values", pos, k.prefix)
					}
					for _, v := range values {
						check(pos, k.prefix+v)
					}
				default:
					t.Errorf("%s: a text key this test cannot read: use a literal, a variable set to literals, or a listed family", pos)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d keys, want the hundreds the code uses: is the scan broken?", checked)
	}
}

// textKey is a key expression found in the code: a literal, a literal
// prefix with data after it, or neither (unreadable).
type textKey struct {
	pos     token.Pos
	literal string
	prefix  string
}

// textKeys finds the key arguments of i18n.T (of T itself inside package
// i18n) and of local wrappers that pass a parameter on as the key.
func textKeys(f *ast.File, inI18n bool) []textKey {
	isT := func(call *ast.CallExpr) bool {
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			x, ok := fn.X.(*ast.Ident)
			return ok && x.Name == "i18n" && fn.Sel.Name == "T"
		case *ast.Ident:
			return inI18n && fn.Name == "T"
		}
		return false
	}
	var keys []textKey
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok {
			return true
		}
		body := fn.Body
		if body == nil {
			return false
		}
		wrappers := map[string]int{} // local func name -> index of its key parameter
		ast.Inspect(body, func(n ast.Node) bool {
			// A wrapper: name := func(key string, …) … { … i18n.T(lang, key, …) … }
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
				if lit, ok := as.Rhs[0].(*ast.FuncLit); ok {
					if name, ok := as.Lhs[0].(*ast.Ident); ok {
						if i := wrapperParam(lit, isT); i >= 0 {
							wrappers[name.Name] = i
						}
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := -1
			if isT(call) {
				arg = 1
			} else if id, ok := call.Fun.(*ast.Ident); ok {
				if i, ok := wrappers[id.Name]; ok {
					arg = i
				}
			}
			if arg < 0 || arg >= len(call.Args) {
				return true
			}
			e := call.Args[arg]
			if _, ok := e.(*ast.Ident); ok && inWrapper(body, call, isT) {
				return true // a wrapper's own parameter: checked where the wrapper is called
			}
			keys = append(keys, readKey(body, e)...)
			return true
		})
		return false
	})
	return keys
}

// wrapperParam returns the index of the parameter of fn that fn passes to
// i18n.T as the key, or -1.
func wrapperParam(fn *ast.FuncLit, isT func(*ast.CallExpr) bool) int {
	found := -1
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isT(call) || len(call.Args) < 2 {
			return true
		}
		if id, ok := call.Args[1].(*ast.Ident); ok {
			i := 0
			for _, field := range fn.Type.Params.List {
				for _, name := range field.Names {
					if name.Name == id.Name {
						found = i
					}
					i++
				}
			}
		}
		return true
	})
	return found
}

// inWrapper reports whether call lies in a function literal of body (a
// wrapper's own call of i18n.T).
func inWrapper(body *ast.BlockStmt, call *ast.CallExpr, isT func(*ast.CallExpr) bool) bool {
	inside := false
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && lit.Pos() <= call.Pos() && call.End() <= lit.End() && wrapperParam(lit, isT) >= 0 {
			inside = true
		}
		return !inside
	})
	return inside
}

// readKey reads a key expression: a literal, "prefix"+data, or a local
// variable, which stands for every literal assigned to it in body.
func readKey(body *ast.BlockStmt, e ast.Expr) []textKey {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
			return []textKey{{pos: e.Pos(), literal: s}}
		}
	case *ast.BinaryExpr:
		if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.ADD && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				return []textKey{{pos: e.Pos(), prefix: s}}
			}
		}
	case *ast.Ident:
		var keys []textKey
		ast.Inspect(body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for i, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Name == e.Name && i < len(as.Rhs) {
					if lit, ok := as.Rhs[i].(*ast.BasicLit); ok {
						keys = append(keys, readKey(body, lit)...)
					} else {
						keys = append(keys, textKey{pos: as.Pos()})
					}
				}
			}
			return true
		})
		if len(keys) > 0 {
			return keys
		}
	}
	return []textKey{{pos: e.Pos()}}
}
