/* gdl.y - the GDL grammar. Actions build nodes with ast_* and nothing else:
 * names are resolved and types checked by later passes (compiler/). Errors
 * recover at declaration and block boundaries so one run reports several. */
%require "3.8"
%expect 0
%define api.pure full
%define api.prefix {gdl_yy}
%define api.token.prefix {TOK_}
%define api.location.type {SrcSpan}
%define parse.error custom
%define parse.lac full
%locations
%parse-param {yyscan_t scanner} {ParseCtx *ctx}
%lex-param {yyscan_t scanner}

%code requires {
#include "parse_ctx.h"
typedef void *yyscan_t;
/* A span covering all right-hand-side symbols; an empty rule borrows the
 * end of the previous symbol so every node has a real position. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
    do {                                                              \
        if (N) {                                                      \
            (Cur).file = YYRHSLOC(Rhs, 1).file;                       \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                     \
            (Cur).end = YYRHSLOC(Rhs, N).end;                         \
        } else {                                                      \
            (Cur).file = YYRHSLOC(Rhs, 0).file;                       \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;           \
        }                                                             \
    } while (0)
}

%code provides {
/* api.prefix renames the parser's globals (gdl_yyparse, gdl_yylex: no
 * clash with an embedder's yacc); the scanner and its callers keep bison's
 * plain names for the types and the error token. */
#define YYSTYPE GDL_YYSTYPE
#define YYLTYPE GDL_YYLTYPE
#define TOK_YYerror TOK_GDL_YYerror
int gdl_yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <string.h>
#define B (&ctx->ast)
#define YYMAXDEPTH PARSE_MAX_STACK
static void yyerror(YYLTYPE *loc, yyscan_t scanner, ParseCtx *ctx, const char *msg);
static AstNode *outcome(ParseCtx *ctx, int kind, SrcSpan span, const char *id, SrcSpan id_span);
}

%union {
    AstNode *node;
    const char *str;
    double num;
    int flag;
}

%token GUIDELINE "'guideline'" MODULE "'module'" IMPORT "'import'" UNIT "'unit'"
%token INPUT "'input'" PARAM "'param'" DEFINE "'define'" FN "'fn'"
%token CLASSIFY "'classify'" WHEN "'when'" OTHERWISE "'otherwise'" OVERRIDE "'override'"
%token EXCLUDE "'exclude'" RED_FLAG "'red_flag'" REFER "'refer'" ADVICE "'advice'"
%token SCHEDULE "'schedule'" MEASURE "'measure'" AFTER "'after'" FROM "'from'" AT "'at'"
%token IN "'in'" URGENT "'urgent'" DOSE "'dose'" TEST "'test'" GIVEN "'given'"
%token EXPECT "'expect'" PROPERTY "'property'" AND "'and'" OR "'or'" NOT "'not'" TRUE "'true'" FALSE "'false'"
%token UNKNOWN "'unknown'" NULL "'null'" ENUM "'enum'" LIST "'list'" OF "'of'"
%token LENGTH "'length'" REQUIRED "'required'" UNIQUE "'unique'"
%token ARROW "'->'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='" LT "'<'" GT "'>'"
%token <str> LANG "language code" IDENT "name" STRING "string" DATE "date"
%token <num> NUMBER "number"

%type <node> item header header_field import_decl module_decl unit_decl input_decl type
%type <node> range_opt range decl_range bound length_opt param_decl literal signed_number
%type <node> define_decl fn_decl classify_decl row outcome_decl text dose_entry
%type <node> test_decl given_decl test_param given_opt property_decl given_field json_value expect expect_body expect_literal expr primary call
%type <node> plain_literal set_item fired
%type <node> hit_opt columns_opt cells cell row_value
%type <node> section_opt when_opt from_opt expect_value
%type <str> dotted override_opt strength_opt unit_opt expect_kind base_opt
%type <flag> required_opt urgent_opt lo_bracket hi_bracket

%left OR
%left AND
%precedence NOT
%nonassoc EQ NE LT LE GT GE IN
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%%

file
    : %empty
    | file item                 { if ($2) ast_push(B, &ctx->items, $2); }
    | file error                { /* resynchronised at the next declaration */ }
    ;

/* item -> header | module | import | unit | input | param | define | fn
 *       | classify | outcome | test | property */
item
    : header | module_decl | import_decl | unit_decl | input_decl | param_decl
    | define_decl | fn_decl | classify_decl | outcome_decl | test_decl | property_decl
    | given_decl
    ;

/* header -> 'guideline' NAME '{' field* '}' */
header
    : GUIDELINE IDENT '{' header_fields '}'
        { $$ = ast_named(B, AST_HEADER, @$, $2, @2); $$->list = ctx->header_fields; ctx->header_fields = (AstList){0}; }
    ;
header_fields
    : %empty
    | header_fields header_field    { ast_push(B, &ctx->header_fields, $2); }
    | header_fields error           { }
    ;
header_field
    : IDENT header_values
        { $$ = ast_named(B, AST_HEADER_FIELD, @$, $1, @1); $$->list = ctx->values; ctx->values = (AstList){0};
          parse_header_field(ctx, $$); }
    ;
header_values
    : plain_literal                 { ctx->values = (AstList){0}; ast_push(B, &ctx->values, $1); }
    | IDENT                         { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | LANG                          { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | header_values ',' plain_literal { ast_push(B, &ctx->values, $3); }
    | header_values ',' IDENT       { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    | header_values ',' LANG        { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;

module_decl : MODULE dotted         { $$ = ast_named(B, AST_MODULE, @$, $2, @2); } ;
import_decl : IMPORT dotted         { $$ = ast_named(B, AST_IMPORT, @$, $2, @2); } ;
dotted
    : IDENT                         { $$ = $1; }
    | dotted '.' IDENT              { $$ = parse_join_dotted(ctx, $1, $3); }
    ;

/* unit -> 'unit' NAME (',' NAME)* */
unit_decl
    : UNIT IDENT                    { $$ = ast_new(B, AST_UNIT, @$); ast_push(B, &$$->list, ast_named(B, AST_NAME, @2, $2, @2)); }
    | unit_decl ',' IDENT           { $$ = $1; $$->span = @$; ast_push(B, &$$->list, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;

/* input -> 'input' NAME ':' type range? unit? ('length' range)? 'required'? text* */
input_decl
    : INPUT IDENT ':' type range_opt unit_opt length_opt required_opt
        { $$ = ast_named(B, AST_INPUT, @$, $2, @2); $$->a = $4; $$->b = $5;
          $$->unit = $6; $$->unit_span = @6; $$->length = $7; $$->flags = $8; }
    | input_decl text               { $$ = $1; ast_push(B, &$$->list, $2); }
    ;
type
    : IDENT                         { $$ = ast_named(B, AST_TYPE, @$, $1, @1); }
    | ENUM '{' enum_names '}'       { $$ = ast_named(B, AST_TYPE, @$, "enum", @1); $$->list = ctx->values; ctx->values = (AstList){0}; }
    | LIST OF IDENT                 { $$ = ast_named(B, AST_TYPE, @$, "list", @1); $$->a = ast_named(B, AST_TYPE, @3, $3, @3); }
    ;
enum_names
    : IDENT                         { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | enum_names ',' IDENT          { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;
range_opt : %empty { $$ = NULL; } | decl_range ;
length_opt : %empty { $$ = NULL; } | LENGTH decl_range { $$ = $2; } ;
required_opt : %empty { $$ = 0; } | REQUIRED { $$ = INPUT_REQUIRED; } ;
unit_opt : %empty { $$ = NULL; } | IDENT ;

/* A declared range has literal bounds: [lo, hi], ( and ) for exclusive ends. */
decl_range
    : lo_bracket bound ',' bound hi_bracket
        { $$ = ast_new(B, AST_RANGE, @$); $$->a = $2; $$->b = $4; $$->flags = $1 | $5; }
    ;
bound : signed_number | signed_number IDENT { $$ = $1; $$->unit = $2; $$->unit_span = @2; $$->span = @$; } ;
lo_bracket : '[' { $$ = 0; } | '(' { $$ = RANGE_LO_EXCL; } ;
hi_bracket : ']' { $$ = 0; } | ')' { $$ = RANGE_HI_EXCL; } ;
signed_number
    : NUMBER                        { $$ = ast_new(B, AST_NUM, @$); $$->num = $1; }
    | '-' NUMBER                    { $$ = ast_new(B, AST_NUM, @$); $$->num = -$2; }
    ;

/* param -> 'param' NAME '=' literal range? */
param_decl
    : PARAM IDENT '=' literal range_opt
        { $$ = ast_named(B, AST_PARAM, @$, $2, @2); $$->a = $4; $$->b = $5; }
    ;
literal
    : plain_literal
    | signed_number IDENT           { $$ = $1; $$->unit = $2; $$->unit_span = @2; $$->span = @$; }
    ;
plain_literal
    : signed_number
    | STRING                        { $$ = ast_new(B, AST_STR, @$); $$->str = $1; }
    | DATE                          { $$ = ast_new(B, AST_DATE, @$); $$->str = $1; }
    | TRUE                          { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 1; }
    | FALSE                         { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 0; }
    ;

define_decl
    : DEFINE IDENT '=' expr         { $$ = ast_named(B, AST_DEFINE, @$, $2, @2); $$->a = $4; }
    ;

/* fn -> 'fn' NAME '(' params ')' '=' expr */
fn_decl
    : FN IDENT '(' fn_params ')' '=' expr
        { $$ = ast_named(B, AST_FN, @$, $2, @2); $$->list = ctx->values; ctx->values = (AstList){0}; $$->a = $7; }
    ;
fn_params
    : %empty                        { ctx->values = (AstList){0}; }
    | IDENT                         { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | fn_params ',' IDENT           { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;

/* classify -> 'classify' NAME section? ('override' NAME)? ('unique' | 'first')? ('when' expr)?
 *             '{' ('columns' NAME, ...)? row* '}'
 * 'unique': the hit policy "exactly one row holds" (gdl verify checks it);
 * 'first' (the default): the first row that holds decides. 'first' and
 * 'columns' are words, not keywords (check.c and table.c check them). */
classify_decl
    : CLASSIFY IDENT section_opt override_opt hit_opt when_opt '{' columns_opt rows '}'
        { $$ = ast_named(B, AST_CLASSIFY, @$, $2, @2); if ($3) { $$->str = $3->str; $$->str_span = $3->span; }
          $$->name2 = $4; $$->name2_span = @4; $$->policy = $5; if ($5 && !$5->name) { $$->flags = CLASSIFY_UNIQUE; $$->policy = NULL; }
          $$->a = $6; $$->b = $8; $$->list = ctx->rows; ctx->rows = (AstList){0}; }
    ;
hit_opt
    : %empty                        { $$ = NULL; }
    | UNIQUE                        { $$ = ast_new(B, AST_NAME, @$); }
    | IDENT                         { $$ = ast_named(B, AST_NAME, @$, $1, @1); }
    ;
override_opt : %empty { $$ = NULL; } | OVERRIDE IDENT { $$ = $2; } ;
/* columns -> 'columns' NAME (',' NAME)* : the inputs a multi-column table tests */
columns_opt
    : %empty                        { $$ = NULL; }
    | IDENT column_names            { $$ = ast_named(B, AST_COLUMNS, @$, $1, @1); $$->list = ctx->values; ctx->values = (AstList){0}; }
    ;
column_names
    : IDENT                         { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | column_names ',' IDENT        { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;
rows
    : %empty                        { ctx->rows = (AstList){0}; }
    | rows row                      { ast_push(B, &ctx->rows, $2); }
    | rows error                    { }
    ;
/* row -> 'when' expr '->' VALUE | 'otherwise' '->' VALUE
 *      | 'when' COMBINATION NUMBER? '[' cell (',' cell)* ']' '->' VALUE
 * COMBINATION is all, any or at_least (with its NUMBER); table.c lowers the
 * cells to the row's condition. */
row
    : WHEN expr ARROW IDENT         { $$ = ast_new(B, AST_ROW, @$); $$->a = $2; $$->b = ast_named(B, AST_NAME, @4, $4, @4); }
    | WHEN expr ARROW NUMBER        { $$ = ast_new(B, AST_ROW, @$); $$->a = $2; $$->b = ast_new(B, AST_NUM, @4); $$->b->num = $4; }
    | OTHERWISE ARROW IDENT         { $$ = ast_new(B, AST_ROW, @$); $$->b = ast_named(B, AST_NAME, @3, $3, @3); }
    | OTHERWISE ARROW NUMBER        { $$ = ast_new(B, AST_ROW, @$); $$->b = ast_new(B, AST_NUM, @3); $$->b->num = $3; }
    | WHEN IDENT cells ARROW row_value
        { $$ = ast_new(B, AST_ROW, @$); $$->a = $3; $3->name = $2; $3->name_span = @2; $$->b = $5; }
    | WHEN IDENT NUMBER cells ARROW row_value
        { $$ = ast_new(B, AST_ROW, @$); $$->a = $4; $4->name = $2; $4->name_span = @2; $$->b = $6;
          $4->count = ast_new(B, AST_NUM, @3); $4->count->num = $3; }
    ;
row_value
    : IDENT                         { $$ = ast_named(B, AST_NAME, @$, $1, @1); }
    | NUMBER                        { $$ = ast_new(B, AST_NUM, @$); $$->num = $1; }
    ;
cells
    : '[' cell_list ']'             { $$ = ast_new(B, AST_CELLS, @$); $$->list = ctx->values; ctx->values = (AstList){0}; }
    ;
cell_list
    : cell                          { ctx->values = (AstList){0}; ast_push(B, &ctx->values, $1); }
    | cell_list ',' cell            { ast_push(B, &ctx->values, $3); }
    ;
/* cell -> '-' (no test) | CMP expr | 'in' range | 'in' '{' item, ... '}' */
cell
    : '-'                           { $$ = ast_new(B, AST_CELL, @$); }
    | EQ expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_EQ_; $$->b = $2; }
    | NE expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_NE_; $$->b = $2; }
    | LT expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_LT_; $$->b = $2; }
    | LE expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_LE_; $$->b = $2; }
    | GT expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_GT_; $$->b = $2; }
    | GE expr                       { $$ = ast_new(B, AST_CELL, @$); $$->op = OP_GE_; $$->b = $2; }
    | IN range                      { $$ = ast_new(B, AST_CELL, @$); $$->b = $2; }
    | IN '{' set_items '}'          { $$ = ast_new(B, AST_CELL, @$); $$->list = ctx->args; ctx->args = (AstList){0}; $$->flags = CELL_IN_SET; }
    ;

section_opt : %empty { $$ = NULL; } | STRING { $$ = ast_new(B, AST_STR, @$); $$->str = $1; } ;
when_opt : %empty { $$ = NULL; } | WHEN expr { $$ = $2; } ;
urgent_opt : %empty { $$ = 0; } | URGENT { $$ = 1; } ;

/* outcome -> 'exclude' NAME section? when?
 *          | 'red_flag' NAME section? 'in' CLUSTER 'urgent'? '->' ACTION when?
 *          | 'refer' NAME section? 'urgent'? '->' ACTION when?
 *          | 'advice' NAME STRENGTH section? when? text* dose?
 *          | 'schedule' NAME section? 'after' (NUMBER UNIT | PARAM) ('from' expr)? when?
 *          | 'measure' NAME section? 'at' MOMENT (',' MOMENT)* when? */
outcome_decl
    : EXCLUDE IDENT section_opt when_opt
        { $$ = outcome(ctx, OK_EXCLUSION, @$, $2, @2); $$->b = $3; $$->a = $4; }
    | RED_FLAG IDENT section_opt IN IDENT urgent_opt ARROW IDENT when_opt
        { $$ = outcome(ctx, OK_RED_FLAG, @$, $2, @2); $$->b = $3; $$->cluster = $5; $$->cluster_span = @5;
          $$->urgent = $6; $$->action = $8; $$->action_span = @8; $$->a = $9; }
    | REFER IDENT section_opt urgent_opt ARROW IDENT when_opt
        { $$ = outcome(ctx, OK_REFERRAL, @$, $2, @2); $$->b = $3; $$->urgent = $4;
          $$->action = $6; $$->action_span = @6; $$->a = $7; }
    | ADVICE IDENT IDENT section_opt when_opt
        { $$ = outcome(ctx, OK_ADVICE, @$, $2, @2); $$->strength = $3; $$->strength_span = @3; $$->b = $4; $$->a = $5; }
    | SCHEDULE IDENT section_opt AFTER NUMBER IDENT from_opt when_opt
        { $$ = outcome(ctx, OK_SCHEDULE, @$, $2, @2); $$->b = $3; $$->num = $5;
          $$->unit = $6; $$->unit_span = @6; $$->from = $7; $$->a = $8; }
    | SCHEDULE IDENT section_opt AFTER IDENT from_opt when_opt     /* after PARAM (weeks or days) */
        { $$ = outcome(ctx, OK_SCHEDULE, @$, $2, @2); $$->b = $3; $$->after_param = $5; $$->after_param_span = @5;
          $$->from = $6; $$->a = $7; }
    | MEASURE IDENT section_opt AT moments when_opt
        { $$ = outcome(ctx, OK_MEASUREMENT, @$, $2, @2); $$->b = $3; $$->list2 = ctx->values; ctx->values = (AstList){0}; $$->a = $6; }
    | outcome_decl text             { $$ = $1; ast_push(B, &$$->list, $2); }
    | outcome_decl DOSE '{' dose_entries '}'
        { $$ = $1; $$->dose = ast_new(B, AST_ARRAY, @2); $$->dose->list = ctx->values; ctx->values = (AstList){0}; }
    ;
from_opt : %empty { $$ = NULL; } | FROM expr { $$ = $2; } ;
moments
    : IDENT                         { ctx->values = (AstList){0}; ast_push(B, &ctx->values, ast_named(B, AST_NAME, @1, $1, @1)); }
    | moments ',' IDENT             { ast_push(B, &ctx->values, ast_named(B, AST_NAME, @3, $3, @3)); }
    ;
text : LANG STRING                  { $$ = ast_named(B, AST_TEXT, @$, $1, @1); $$->str = $2; $$->str_span = @2; } ;
dose_entries
    : dose_entry                    { ctx->values = (AstList){0}; ast_push(B, &ctx->values, $1); }
    | dose_entries ',' dose_entry   { ast_push(B, &ctx->values, $3); }
    ;
dose_entry
    : IDENT ':' literal             { $$ = ast_named(B, AST_DOSE_ENTRY, @$, $1, @1); $$->a = $3; }
    | IDENT ':' IDENT               { $$ = ast_named(B, AST_DOSE_ENTRY, @$, $1, @1); $$->a = ast_named(B, AST_NAME, @3, $3, @3); }
    | IDENT ':' signed_number '.' '.' signed_number unit_opt      /* a range: 10..15 min */
        { $$ = ast_named(B, AST_DOSE_ENTRY, @$, $1, @1); $$->a = ast_new(B, AST_RANGE, @$); $$->a->span.start = @3.start;
          $$->a->a = $3; $$->a->b = $6; $$->a->unit = $7; $$->a->unit_span = @7; }
    | IDENT ':' signed_number IDENT IDENT                         /* a rate: 3 per week (check.c: 'per') */
        { $$ = ast_named(B, AST_DOSE_ENTRY, @$, $1, @1); $$->a = $3; $3->span.end = @5.end;
          $3->name = $4; $3->name_span = @4; $3->name2 = $5; $3->name2_span = @5; }
    | IDENT ':' signed_number '.' '.' signed_number IDENT IDENT   /* a rate range: 2..3 per week */
        { $$ = ast_named(B, AST_DOSE_ENTRY, @$, $1, @1); $$->a = ast_new(B, AST_RANGE, @$); $$->a->span.start = @3.start;
          $$->a->a = $3; $$->a->b = $6; $$->a->name = $7; $$->a->name_span = @7; $$->a->name2 = $8; $$->a->name2_span = @8; }
    ;

/* test -> 'test' STRING ('from' NAME)? '{' ('given' '{' field* '}')? (expect | param)* '}'
 * Without `from` the given is required (check.c says so). */
test_decl
    : TEST STRING base_opt '{' given_opt expects '}'
        { $$ = ast_new(B, AST_TEST, @$); $$->str = $2; $$->str_span = @2; $$->name2 = $3; $$->name2_span = @3;
          $$->a = $5; $$->list = ctx->given; ctx->given = (AstList){0}; $$->list2 = ctx->expects; ctx->expects = (AstList){0}; }
    ;
base_opt : %empty { $$ = NULL; } | FROM IDENT { $$ = $2; } ;
given_opt
    : %empty                        { $$ = NULL; ctx->given = (AstList){0}; }
    | GIVEN '{' given_fields '}'    { $$ = ast_new(B, AST_NULL_LIT, @1); }
    ;
/* given -> 'given' NAME ('from' NAME)? '{' field* '}': a base case that tests
 * name with `from` and add to or override field by field. */
given_decl
    : GIVEN IDENT base_opt '{' given_fields '}'
        { $$ = ast_named(B, AST_GIVEN, @$, $2, @2); $$->name2 = $3; $$->name2_span = @3;
          $$->list = ctx->given; ctx->given = (AstList){0}; }
    ;
/* In a test: a parameter's value for this test only. */
test_param
    : PARAM IDENT '=' literal       { $$ = ast_named(B, AST_PARAM, @$, $2, @2); $$->a = $4; }
    ;
/* property -> 'property' NAME SECTION? ('when' expr)? '{' expect* '}'
 * "For every case where the premise holds, the expectations hold" (gdl verify). */
property_decl
    : PROPERTY IDENT section_opt when_opt '{' expects '}'
        { $$ = ast_named(B, AST_PROPERTY, @$, $2, @2); $$->b = $3; $$->a = $4;
          $$->list2 = ctx->expects; ctx->expects = (AstList){0}; }
    ;
given_fields
    : %empty                        { ctx->given = (AstList){0}; }
    | given_field                   { ctx->given = (AstList){0}; ast_push(B, &ctx->given, $1); }
    | given_fields ',' given_field  { ast_push(B, &ctx->given, $3); }
    ;
given_field : IDENT ':' json_value  { $$ = ast_named(B, AST_KV, @$, $1, @1); $$->a = $3; } ;
json_value
    : literal
    | NULL                          { $$ = ast_new(B, AST_NULL_LIT, @$); }
    | '[' json_items ']'            { $$ = ast_new(B, AST_ARRAY, @$); $$->list = ctx->values; ctx->values = (AstList){0}; }
    ;
json_items
    : %empty                        { ctx->values = (AstList){0}; }
    | literal                       { ctx->values = (AstList){0}; ast_push(B, &ctx->values, $1); }
    | json_items ',' literal        { ast_push(B, &ctx->values, $3); }
    ;
expects
    : %empty                        { ctx->expects = (AstList){0}; }
    | expects expect                { ast_push(B, &ctx->expects, $2); }
    | expects test_param            { ast_push(B, &ctx->expects, $2); }
    | expects error                 { }
    ;
/* expect -> 'expect' 'not'? KIND NAME (STRENGTH | 'urgent')? SECTION? ('dose' '{' entries '}')? text*
 *         | 'expect' NAME '==' value | 'expect' NAME value
 * The section, dose and texts pick the outcome declarations meant (check.c). */
expect
    : EXPECT expect_body            { $$ = $2; $$->span = @$; }
    | EXPECT NOT expect_body        { $$ = $3; $$->span = @$; $$->flags = EXPECT_NEGATED; }
    | expect STRING                 { $$ = $1; $$->span = @$; $$->b = ast_new(B, AST_STR, @2); $$->b->str = $2; }
    | expect DOSE '{' dose_entries '}'
        { $$ = $1; $$->span = @$; $$->dose = ast_new(B, AST_ARRAY, @2); $$->dose->list = ctx->values; ctx->values = (AstList){0}; }
    | expect text                   { $$ = $1; $$->span = @$; ast_push(B, &$$->list, $2); }
    ;
expect_body
    : expect_kind IDENT strength_opt
        { $$ = ast_named(B, AST_EXPECT, @$, $1, @1); $$->name2 = $2; $$->name2_span = @2; $$->str = $3; $$->str_span = @3; }
    | expect_kind IDENT URGENT
        { $$ = ast_named(B, AST_EXPECT, @$, $1, @1); $$->name2 = $2; $$->name2_span = @2; $$->str = "urgent"; $$->str_span = @3; }
    | IDENT IDENT strength_opt
        { $$ = ast_named(B, AST_EXPECT, @$, $1, @1); $$->name2 = $2; $$->name2_span = @2; $$->str = $3; $$->str_span = @3; }
    | IDENT IDENT URGENT
        { $$ = ast_named(B, AST_EXPECT, @$, $1, @1); $$->name2 = $2; $$->name2_span = @2; $$->str = "urgent"; $$->str_span = @3; }
    | IDENT EQ expect_value         { $$ = ast_named(B, AST_EXPECT, @$, "classification", @1); $$->name2 = $1; $$->name2_span = @1; $$->a = $3; }
    | IDENT expect_literal          { $$ = ast_named(B, AST_EXPECT, @$, "value", @1); $$->name2 = $1; $$->name2_span = @1; $$->a = $2; }
    ;
strength_opt : %empty { $$ = NULL; } | IDENT ;
expect_kind
    : RED_FLAG                      { $$ = "red_flag"; }
    | EXCLUDE                       { $$ = "exclusion"; }
    | REFER                         { $$ = "referral"; }
    | ADVICE                        { $$ = "advice"; }
    | SCHEDULE                      { $$ = "schedule"; }
    | MEASURE                       { $$ = "measurement"; }
    ;
expect_value
    : expect_literal
    | IDENT                         { $$ = ast_named(B, AST_NAME, @$, $1, @1); }
    ;
expect_literal
    : NUMBER                        { $$ = ast_new(B, AST_NUM, @$); $$->num = $1; }
    | TRUE                          { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 1; }
    | FALSE                         { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 0; }
    | UNKNOWN                       { $$ = ast_new(B, AST_UNKNOWN_LIT, @$); }
    ;

/* expr -> expr ('or'|'and') expr | 'not' expr | expr CMP expr
 *       | expr 'in' range | expr 'in' '{' expr, ... '}' | arithmetic | primary */
expr
    : expr OR expr                  { $$ = ast_binary(B, OP_OR_, $1, $3); }
    | expr AND expr                 { $$ = ast_binary(B, OP_AND_, $1, $3); }
    | NOT expr                      { $$ = ast_unary(B, OP_NOT_, $2, @1); }
    | expr EQ expr                  { $$ = ast_binary(B, OP_EQ_, $1, $3); }
    | expr NE expr                  { $$ = ast_binary(B, OP_NE_, $1, $3); }
    | expr LT expr                  { $$ = ast_binary(B, OP_LT_, $1, $3); }
    | expr LE expr                  { $$ = ast_binary(B, OP_LE_, $1, $3); }
    | expr GT expr                  { $$ = ast_binary(B, OP_GT_, $1, $3); }
    | expr GE expr                  { $$ = ast_binary(B, OP_GE_, $1, $3); }
    | expr IN range                 { $$ = ast_new(B, AST_RANGE_TEST, @$); $$->a = $1; $$->b = $3; }
    | expr IN '{' set_items '}'     { $$ = ast_new(B, AST_SET_TEST, @$); $$->a = $1; $$->list = ctx->args; ctx->args = (AstList){0}; }
    | expr '+' expr                 { $$ = ast_binary(B, OP_ADD_, $1, $3); }
    | expr '-' expr                 { $$ = ast_binary(B, OP_SUB_, $1, $3); }
    | expr '*' expr                 { $$ = ast_binary(B, OP_MUL_, $1, $3); }
    | expr '/' expr                 { $$ = ast_binary(B, OP_DIV_, $1, $3); }
    | '-' expr %prec UMINUS         { $$ = ast_unary(B, OP_NEG_, $2, @1); }
    | primary
    ;
range
    : lo_bracket expr ',' expr hi_bracket
        { $$ = ast_new(B, AST_RANGE, @$); $$->a = $2; $$->b = $4; $$->flags = $1 | $5; }
    ;
set_items
    : set_item                      { ctx->args = (AstList){0}; ast_push(B, &ctx->args, $1); }
    | set_items ',' set_item        { ast_push(B, &ctx->args, $3); }
    ;
set_item
    : IDENT                         { $$ = ast_named(B, AST_NAME, @$, $1, @1); }
    | signed_number
    | signed_number IDENT           { $$ = $1; $$->unit = $2; $$->unit_span = @2; $$->span = @$; }
    ;
primary
    : NUMBER                        { $$ = ast_new(B, AST_NUM, @$); $$->num = $1; }
    | NUMBER IDENT                  { $$ = ast_new(B, AST_NUM, @$); $$->num = $1; $$->unit = $2; $$->unit_span = @2; }
    | STRING                        { $$ = ast_new(B, AST_STR, @$); $$->str = $1; }
    | DATE                          { $$ = ast_new(B, AST_DATE, @$); $$->str = $1; }
    | TRUE                          { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 1; }
    | FALSE                         { $$ = ast_new(B, AST_BOOL, @$); $$->flags = 0; }
    | UNKNOWN                       { $$ = ast_new(B, AST_UNKNOWN_LIT, @$); }
    | IDENT                         { $$ = ast_named(B, AST_NAME, @$, $1, @1); }
    | call
    | '(' expr ')'                  { $$ = $2; }
    | fired
    ;
/* In a property premise: whether an outcome fires, e.g. `when advice end_treatment`. */
fired
    : ADVICE IDENT                  { $$ = ast_named(B, AST_FIRED, @$, "advice", @1); $$->name2 = $2; $$->name2_span = @2; }
    | ADVICE IDENT IDENT            { $$ = ast_named(B, AST_FIRED, @$, "advice", @1); $$->name2 = $2; $$->name2_span = @2;
                                      $$->str = $3; $$->str_span = @3; }
    | RED_FLAG IDENT                { $$ = ast_named(B, AST_FIRED, @$, "red_flag", @1); $$->name2 = $2; $$->name2_span = @2; }
    | REFER IDENT                   { $$ = ast_named(B, AST_FIRED, @$, "referral", @1); $$->name2 = $2; $$->name2_span = @2; }
    | EXCLUDE IDENT                 { $$ = ast_named(B, AST_FIRED, @$, "exclusion", @1); $$->name2 = $2; $$->name2_span = @2; }
    ;
/* Arguments nest (f(g(x))), so each call keeps its own list: the node is
 * created at '(' and filled as arguments arrive. */
call
    : call_open ')'                 { $$ = parse_call_close(ctx, @$); }
    | call_open call_args ')'       { $$ = parse_call_close(ctx, @$); }
    ;
call_open : IDENT '('               { parse_call_open(ctx, $1, @1); } ;
call_args
    : expr                          { parse_call_arg(ctx, $1); }
    | call_args ',' expr            { parse_call_arg(ctx, $3); }
    ;

%%

static AstNode *outcome(ParseCtx *ctx, int kind, SrcSpan span, const char *id, SrcSpan id_span)
{
    AstNode *n = ast_named(B, AST_OUTCOME, span, id, id_span);
    n->op = kind;
    return n;
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, ParseCtx *ctx, const char *msg)
{
    (void)scanner;
    if (strcmp(msg, "memory exhausted") == 0)   /* bison's stack hit YYMAXDEPTH */
        diag_report(ctx->diag, SEV_ERROR, *loc,
                    "nesting too deep for the parser (limit is %d stack entries: brackets, operators and calls)",
                    PARSE_MAX_STACK);
    else
        diag_report(ctx->diag, SEV_ERROR, *loc, "%s", msg);
}

/* "expected X, Y or Z before 'tok'": bison's expected tokens after LAC. */
static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner, ParseCtx *ctx)
{
    (void)scanner;
    enum { MAX_EXPECTED = 6 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(pctx, expected, MAX_EXPECTED);
    yysymbol_kind_t got = yypcontext_token(pctx);
    char buf[512];
    size_t len = 0;
    char hint[96] = "";                 /* a name spelled close to an expected keyword */
    if (got == YYSYMBOL_IDENT) {
        yysymbol_kind_t all[YYNTOKENS];
        const char *names[YYNTOKENS];
        int nall = yypcontext_expected_tokens(pctx, all, YYNTOKENS);
        for (int i = 0; i < nall; i++)
            names[i] = yysymbol_name(all[i]);
        parse_keyword_hint(ctx, *yypcontext_location(pctx), names, nall > 0 ? nall : 0, hint, sizeof hint);
    }
    if (n > 0) {
        len += (size_t)snprintf(buf + len, sizeof buf - len, "expected ");
        for (int i = 0; i < n && len < sizeof buf; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                    i == 0 ? "" : i == n - 1 ? " or " : ", ", yysymbol_name(expected[i]));
    } else {
        len += (size_t)snprintf(buf + len, sizeof buf - len, "unexpected %s%s", yysymbol_name(got), hint);
        parse_syntax_error(ctx, *yypcontext_location(pctx), buf, got == YYSYMBOL_YYEOF);
        return 0;
    }
    if (len < sizeof buf) {
        if (got == YYSYMBOL_YYEOF)
            snprintf(buf + len, sizeof buf - len, " at end of file");
        else
            snprintf(buf + len, sizeof buf - len, " before %s%s", yysymbol_name(got), hint);
    }
    parse_syntax_error(ctx, *yypcontext_location(pctx), buf, got == YYSYMBOL_YYEOF);
    return 0;
}
