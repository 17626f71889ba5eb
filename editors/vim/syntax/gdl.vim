" Vim syntax file
" Language:    GDL (guideline rules, docs/language.md)
" Install:     see editors/README.md
" Every keyword of lang/gdl.l is listed here; tests/editors_check.py checks it.

if exists("b:current_syntax")
  finish
endif

syn case match

" Declarations: what a line of a guideline starts with.
syn keyword gdlDeclaration guideline module import unit input param define fn classify
syn keyword gdlDeclaration exclude red_flag refer advice schedule measure test property
" The words inside a declaration.
syn keyword gdlKeyword     when otherwise override after from at in urgent dose given expect
syn keyword gdlKeyword     enum list of length required unique
syn keyword gdlOperator    and or not
syn keyword gdlConstant    true false unknown null
" Language codes of texts and of the header's `language`: nl and en are
" keywords; a code the header declares (`language nl, en, fr`) is a name, so
" it is highlighted in that list and before a text that starts a line or
" follows another string (`fr "…"`), not elsewhere.
syn keyword gdlLanguage    nl en
syn match   gdlLanguage    "\(^\s*\|\"\s\+\)\@<=[a-z]\{2,3}\>\ze\s*\""
syn region  gdlLanguageList matchgroup=gdlKeyword start="\<language\>" end="$\|\ze}" oneline contains=gdlLanguageCode,gdlComment
syn match   gdlLanguageCode contained "\<[a-z]\{2,3}\>"

syn match   gdlOperator    "->\|==\|!=\|<=\|>=\|[<>=+*/-]"
syn match   gdlDate        "\<\d\{4}-\d\{2}-\d\{2}\>"
syn match   gdlNumber      "\<\d\+\(\.\d\+\)\=\>"
syn match   gdlEscape      contained "\\[\"\\nt]"
syn region  gdlString      start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=gdlEscape
syn keyword gdlTodo        contained TODO FIXME XXX Choice Noot
syn match   gdlComment     "//.*$" contains=gdlTodo,@Spell

hi def link gdlDeclaration Statement
hi def link gdlKeyword     Keyword
hi def link gdlOperator    Operator
hi def link gdlConstant    Constant
hi def link gdlLanguage    Type
hi def link gdlLanguageCode Type
hi def link gdlDate        Number
hi def link gdlNumber      Number
hi def link gdlString      String
hi def link gdlEscape      SpecialChar
hi def link gdlComment     Comment
hi def link gdlTodo        Todo

let b:current_syntax = "gdl"
