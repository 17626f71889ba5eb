-- gen.lua - random VALID GDL guidelines and cases for the differential tester.
--
-- A program is described as Lua data (the model evaluates that description),
-- then rendered as .gdl text with its declarations in shuffled order.
-- Validity rules the generator keeps (docs/language.md and the issue-14
-- decisions, which make more programs errors than the engine rejects today):
--   * every numeric literal compared with an expression (directly, in a
--     range or set test, or through a function parameter) is a value that
--     expression really takes on some case: it lies inside any sound range
--     analysis of it (decision 7);
--   * two expressions compared with each other take overlapping values;
--   * sum(l, i, j) only with j <= the list's minimum length (decision 2);
--   * the literal `unknown` only where a bool is expected (decision 6);
--   * no empty section (decision 8); ids unique per kind.
local model = require("model")

local G = {}

local rnd = math.random
local function pick(t) return t[rnd(#t)] end
local function chance(p) return rnd() < p end

local function shuffle(t)
    for i = #t, 2, -1 do
        local j = rnd(i)
        t[i], t[j] = t[j], t[i]
    end
    return t
end

-- ---- types ------------------------------------------------------------------
local T_BOOL = { k = "bool" }
local T_DATE = { k = "date" }
local T_STR = { k = "str" }
local T_LIST = { k = "list" }
local function T_NUM(unit) return { k = "num", unit = unit } end

local UNITS = { "kg", "weeks", "days" }
local SECTIONS = { "A.1", "A.2", "B.1", "B.1.2", "B.1.3", "B.2", "B.10", "C.2.1", "C.4.2", "C.9", "C.10", "D" }
local ACTIONS = { "refer_gp", "contact_gp", "advise_patient_contact_gp", "refer_back_specialist",
                  "refer_specialist_with_gp" }
local STRENGTHS = { "do", "consider", "preferably", "preferably_not", "do_not" }
local STRINGS = { "abc", "xyz", "", "\195\169 \195\188", "a\"b", "abc ", "t-01", "case 7" }
local INSTRUMENTS = { "nprs", "odi", "psfs", "sbst", "rmdq", "tsk" }
local MOMENTS = { "intake", "interim", "discharge" }

-- numbers the generator writes: exact in a few decimals, so the literal in
-- the source is the double the model uses
function G.fmt_num(v)
    if math.type(v) == "integer" then return tostring(v) end
    if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
    local s = string.format("%.6f", v):gsub("0+$", ""):gsub("%.$", "")
    return s
end
local function nice(v)
    if v ~= v or v == math.huge or v == -math.huge then return false end
    if math.abs(v) > 1e9 then return false end
    return tonumber(G.fmt_num(v)) == v
end

-- ---- the program under construction -----------------------------------------
local P   -- current program

local function new_name(prefix)
    P.counter = P.counter + 1
    return prefix .. P.counter
end

local function atoms(pred, scope)
    local r = {}
    for _, i in ipairs(P.input_list) do if pred(i.ty) then r[#r + 1] = { op = "input", name = i.name, ty = i.ty } end end
    for _, p in ipairs(P.param_list) do if pred(p.ty) then r[#r + 1] = { op = "param", name = p.name, ty = p.ty } end end
    for _, d in ipairs(P.define_list) do
        if pred(d.ty) and (scope.outcome or not d.uses_class) then r[#r + 1] = { op = "define", name = d.name, ty = d.ty } end
    end
    if scope.outcome or scope.classes then
        for _, c in ipairs(P.classes) do if pred(c.ty) then r[#r + 1] = { op = "class", name = c.name, ty = c.ty } end end
    end
    return r
end

local function is_num(u) return function(t) return t.k == "num" and t.unit == u end end

-- A random complete case, for sampling what an expression can take.
local sample_case
local function sample_values(e, n)
    local vals = {}
    for _ = 1, n do
        local c = sample_case(true)
        local v = model.eval_expr(P, e, c, P.param_values)
        if v.known then vals[#vals + 1] = v.v end
    end
    return vals
end

local function achievable(e, n)
    for _, v in ipairs(sample_values(e, n or 6)) do
        if type(v) ~= "number" or nice(v) then return v end
    end
    return nil
end

local function lit_num(v, unit) return { op = "lit", v = v, ty = T_NUM(unit) } end

local gen_bool, gen_num, gen_date

gen_num = function(unit, depth, scope)
    local choices = {}
    local at = atoms(is_num(unit), scope)
    if #at > 0 then   -- mostly the case's values: constant expressions test little
        for _ = 1, 3 do choices[#choices + 1] = function() return pick(at) end end
    end
    choices[#choices + 1] = function()
        local v = chance(0.6) and rnd(0, 10) or rnd(0, 40) / 4
        return lit_num(v, unit)
    end
    if depth > 0 then
        choices[#choices + 1] = function()
            return { op = "arith", aop = pick({ "+", "-" }), a = gen_num(unit, depth - 1, scope),
                     b = gen_num(unit, depth - 1, scope), ty = T_NUM(unit) }
        end
        choices[#choices + 1] = function()
            local k = chance(0.7) and lit_num(pick({ 2, 3, 0.5, -1 }), nil) or gen_num(nil, depth - 1, scope)
            local a = gen_num(unit, depth - 1, scope)
            if chance(0.5) then a, k = k, a end
            return { op = "arith", aop = "*", a = a, b = k, ty = T_NUM(unit) }
        end
        choices[#choices + 1] = function()   -- division: by a dimensionless value that may be 0
            return { op = "arith", aop = "/", a = gen_num(unit, depth - 1, scope), b = gen_num(nil, depth - 1, scope),
                     ty = T_NUM(unit) }
        end
        if unit == nil then
            choices[#choices + 1] = function()   -- equal units divide to a plain number
                local u = pick(UNITS)
                return { op = "arith", aop = "/", a = gen_num(u, depth - 1, scope), b = gen_num(u, depth - 1, scope),
                         ty = T_NUM(nil) }
            end
        end
        choices[#choices + 1] = function() return { op = "neg", a = gen_num(unit, depth - 1, scope), ty = T_NUM(unit) } end
        choices[#choices + 1] = function()
            local args = { gen_num(unit, depth - 1, scope), gen_num(unit, depth - 1, scope) }
            if chance(0.3) then args[3] = gen_num(unit, 0, scope) end
            return { op = "coalesce", args = args, ty = T_NUM(unit) }
        end
        choices[#choices + 1] = function()
            return { op = "call", fn = P.fn_avg, args = { gen_num(unit, depth - 1, scope), gen_num(unit, depth - 1, scope) },
                     ty = T_NUM(unit) }
        end
    end
    if unit == nil then
        local lists = atoms(function(t) return t.k == "list" end, scope)
        if #lists > 0 then
            choices[#choices + 1] = function()
                local l = pick(lists)
                local minlen = P.inputs[l.name] and P.inputs[l.name].len[1] or 0
                if minlen >= 1 and chance(0.6) then
                    local j = rnd(1, minlen)
                    return { op = "sum", a = l, i = rnd(1, j), j = j, ty = T_NUM(nil) }
                end
                return { op = "sum", a = l, ty = T_NUM(nil) }
            end
        end
        if depth > 0 then
            choices[#choices + 1] = function()
                local args = {}
                for i = 1, rnd(1, 3) do args[i] = gen_bool(depth - 1, scope) end
                return { op = "count", args = args, ty = T_NUM(nil) }
            end
        end
    end
    if (unit == "days" or unit == "weeks") and depth > 0 then
        choices[#choices + 1] = function()
            return { op = unit == "days" and "days_between" or "weeks_between", a = gen_date(depth - 1, scope),
                     b = gen_date(depth - 1, scope), ty = T_NUM(unit) }
        end
    end
    return pick(choices)()
end

-- mostly recent dates; now and then one around a century's leap-year rule
local EDGE_DATES = { { 1900, 2, 28 }, { 1900, 3, 1 }, { 2000, 2, 29 }, { 2000, 3, 1 }, { 2100, 2, 28 }, { 2100, 3, 1 },
                     { 1970, 1, 1 }, { 1969, 12, 31 }, { 2024, 2, 29 } }
local function rand_date()
    if chance(0.1) then
        local d = pick(EDGE_DATES)
        return model.days_from_civil(d[1], d[2], d[3]) + rnd(-1, 1)
    end
    if chance(0.05) then return model.days_from_civil(1800, 1, 1) + rnd(0, 146097) end
    return model.days_from_civil(2023, 1, 1) + rnd(0, 4 * 365)
end
local POOL_DATES = {}

gen_date = function(depth, scope)
    local at = atoms(function(t) return t.k == "date" end, scope)
    local r = rnd(10)
    if #at > 0 and r <= 7 then return pick(at) end
    if depth > 0 and #at > 1 and r <= 8 then
        return { op = "coalesce", args = { pick(at), pick(at) }, ty = T_DATE }
    end
    return { op = "lit", v = pick(POOL_DATES), ty = T_DATE }
end

local CMPS = { "==", "!=", "<", "<=", ">", ">=" }

-- e CMP (a literal it takes), or e CMP f with overlapping values
local function compare_num(unit, depth, scope)
    local a = gen_num(unit, depth, scope)
    if chance(0.7) then
        local v = achievable(a)
        if v then
            local cmp = { op = "cmp", cmp = pick(CMPS), a = a, b = lit_num(v, unit), ty = T_BOOL }
            if chance(0.3) then cmp.a, cmp.b = cmp.b, cmp.a end
            return cmp
        end
    end
    local pa = {}
    for _, p in ipairs(P.param_list) do if p.ty.k == "num" and p.ty.unit == unit then pa[#pa + 1] = p end end
    local b = (#pa > 0 and chance(0.4)) and { op = "param", name = pick(pa).name, ty = T_NUM(unit) }
              or gen_num(unit, depth, scope)
    local va, vb = sample_values(a, 6), sample_values(b, 6)
    if #va == 0 or #vb == 0 then return nil end
    local function span(l)
        local lo, hi = l[1], l[1]
        for _, x in ipairs(l) do lo = math.min(lo, x); hi = math.max(hi, x) end
        return lo, hi
    end
    local alo, ahi = span(va)
    local blo, bhi = span(vb)
    if ahi < blo or bhi < alo then return nil end
    return { op = "cmp", cmp = pick(CMPS), a = a, b = b, ty = T_BOOL }
end

local function enum_atoms(scope)
    return atoms(function(t) return t.k == "enum" end, scope)
end

local function bool_leaf(depth, scope)
    local choices = {}
    local bools = atoms(function(t) return t.k == "bool" end, scope)
    if #bools > 0 then
        choices[#choices + 1] = function() return pick(bools) end
        choices[#choices + 1] = function() return pick(bools) end
        choices[#choices + 1] = function()
            return { op = "cmp", cmp = pick({ "==", "!=" }), a = pick(bools), b = { op = "lit", v = chance(0.5), ty = T_BOOL },
                     ty = T_BOOL }
        end
    end
    choices[#choices + 1] = function() return compare_num(pick({ nil, nil, "kg", "weeks", "days" }), depth, scope) end
    choices[#choices + 1] = function() return compare_num(nil, depth, scope) end
    local ens = enum_atoms(scope)
    if #ens > 0 then
        choices[#choices + 1] = function()
            local e = pick(ens)
            local n = #e.ty.values
            local r = rnd(3)
            if r == 1 then
                return { op = "cmp", cmp = pick(CMPS), a = e, b = { op = "lit", v = rnd(n), ty = e.ty }, ty = T_BOOL }
            end
            local items, seen = {}, {}
            for _ = 1, rnd(1, n) do
                local k = rnd(n)
                if not seen[k] then seen[k] = true; items[#items + 1] = k end
            end
            return { op = "inset", a = e, items = items, ty = T_BOOL }
        end
    end
    if #ens > 1 then   -- coalesce of values of one enum, compared with one of its names
        choices[#choices + 1] = function()
            local e = pick(ens)
            local same = {}
            for _, x in ipairs(ens) do if x.ty.name == e.ty.name then same[#same + 1] = x end end
            local c = { op = "coalesce", args = { e, pick(same) }, ty = e.ty }
            return { op = "cmp", cmp = pick({ "==", "!=", "<", ">=" }), a = c, b = { op = "lit", v = rnd(#e.ty.values), ty = e.ty },
                     ty = T_BOOL }
        end
    end
    if #bools > 1 then
        choices[#choices + 1] = function() return { op = "coalesce", args = { pick(bools), pick(bools) }, ty = T_BOOL } end
    end
    local dates = atoms(function(t) return t.k == "date" end, scope)
    if #dates > 0 then   -- whole weeks or days between two dates, against a value it takes
        choices[#choices + 1] = function()
            local weeks = chance(0.5)
            local a = { op = weeks and "weeks_between" or "days_between", a = pick(dates), b = gen_date(depth, scope),
                        ty = T_NUM(weeks and "weeks" or "days") }
            if chance(0.5) then a.a, a.b = a.b, a.a end
            local v = achievable(a, 8)
            if not v then return nil end
            return { op = "cmp", cmp = pick(CMPS), a = a, b = lit_num(v, a.ty.unit), ty = T_BOOL }
        end
    end
    if #dates > 0 then   -- a range test on dates
        choices[#choices + 1] = function()
            local lo, hi = pick(POOL_DATES), pick(POOL_DATES)
            if lo > hi then lo, hi = hi, lo end
            local li, hi_i = chance(0.5), chance(0.5)
            if lo == hi then li, hi_i = true, true end
            return { op = "inrange", a = pick(dates), lo = lo, hi = hi, lo_incl = li, hi_incl = hi_i, date = true, ty = T_BOOL }
        end
    end
    local strs = atoms(function(t) return t.k == "str" end, scope)
    if #strs > 0 then
        choices[#choices + 1] = function()
            local a = pick(strs)
            if chance(0.2) then a = { op = "coalesce", args = { a, { op = "lit", v = pick(STRINGS), ty = T_STR } }, ty = T_STR } end
            local b = chance(0.5) and pick(strs) or { op = "lit", v = pick(STRINGS), ty = T_STR }
            if chance(0.5) then a, b = b, a end
            if a.op == "lit" and b.op == "lit" then b = pick(strs) end
            return { op = "cmp", cmp = pick({ "==", "!=" }), a = a, b = b, ty = T_BOOL }
        end
    end
    if #atoms(function(t) return t.k == "date" end, scope) > 0 then
        choices[#choices + 1] = function()
            return { op = "cmp", cmp = pick(CMPS), a = gen_date(depth, scope), b = gen_date(depth, scope), ty = T_BOOL }
        end
    end
    choices[#choices + 1] = function()
        local all = atoms(function() return true end, scope)
        local x = pick(all)
        if x.ty.k == "num" and depth > 0 and chance(0.4) then x = gen_num(x.ty.unit, depth - 1, scope) end
        return { op = "known", a = x, ty = T_BOOL }
    end
    choices[#choices + 1] = function()   -- range test with bounds the value takes
        local u = pick({ nil, "kg", "weeks" })
        local a = gen_num(u, depth, scope)
        local vs = {}
        for _, v in ipairs(sample_values(a, 8)) do if nice(v) then vs[#vs + 1] = v end end
        if #vs < 1 then return nil end
        local lo, hi = pick(vs), pick(vs)
        if lo > hi then lo, hi = hi, lo end
        local li, hi_i = chance(0.5), chance(0.5)
        if lo == hi then li, hi_i = true, true end
        return { op = "inrange", a = a, lo = lo, hi = hi, lo_incl = li, hi_incl = hi_i, unit = u, ty = T_BOOL }
    end
    choices[#choices + 1] = function()   -- numeric set test
        local a = gen_num(nil, depth, scope)
        local items = {}
        for _, v in ipairs(sample_values(a, 3)) do if nice(v) then items[#items + 1] = v end end
        if #items == 0 then return nil end
        return { op = "inset", a = a, items = items, ty = T_BOOL }
    end
    if scope.outcome or scope.classes then   -- `profile == 1`: a value one of its rows gives
        local ints = {}
        for _, c in ipairs(P.classes) do if not c.names then ints[#ints + 1] = c end end
        if #ints > 0 then
            choices[#choices + 1] = function()
                local c = pick(ints)
                return { op = "cmp", cmp = pick(CMPS), a = { op = "class", name = c.name, ty = c.ty },
                         b = lit_num(pick(c.rows).value, nil), ty = T_BOOL }
            end
        end
    end
    if scope.builtins then
        choices[#choices + 1] = function() return { op = "builtin", name = pick({ "in_scope", "red_flagged" }), ty = T_BOOL } end
    end
    if chance(0.04) then return { op = "unknown", ty = T_BOOL } end
    if chance(0.02) then return { op = "lit", v = chance(0.5), ty = T_BOOL } end
    for _ = 1, 5 do
        local e = pick(choices)()
        if e then return e end
    end
    return { op = "lit", v = chance(0.5), ty = T_BOOL }
end

gen_bool = function(depth, scope)
    if depth <= 0 or chance(0.3) then return bool_leaf(math.max(depth - 1, 0), scope) end
    local r = rnd(12)
    if r <= 2 then return { op = "not", a = gen_bool(depth - 1, scope), ty = T_BOOL } end
    if r <= 6 then
        return { op = pick({ "and", "or" }), args = { gen_bool(depth - 1, scope), gen_bool(depth - 1, scope) }, ty = T_BOOL }
    end
    -- now and then a long argument list (up to the 255 a count operand
    -- holds), of cheap operands: bool facts and known(...)
    local function operands(lo, hi)
        local args = {}
        if chance(0.03) then
            local everything = atoms(function() return true end, scope)
            local bools = atoms(function(t) return t.k == "bool" end, scope)
            for i = 1, rnd(20, 250) do
                args[i] = (#bools > 0 and chance(0.6)) and pick(bools) or { op = "known", a = pick(everything), ty = T_BOOL }
            end
        else
            for i = 1, rnd(lo, hi) do args[i] = gen_bool(depth - 1, scope) end
        end
        return args
    end
    if r <= 8 then
        return { op = pick({ "any", "all" }), args = operands(1, 4), ty = T_BOOL }
    end
    if r == 9 then
        local args = operands(2, 4)
        return { op = "at_least", n = rnd(1, #args), args = args, ty = T_BOOL }
    end
    if r == 10 then
        local args = operands(1, 3)
        local c = { op = "count", args = args, ty = T_NUM(nil) }
        return { op = "cmp", cmp = pick(CMPS), a = c, b = lit_num(rnd(0, #args), nil), ty = T_BOOL }
    end
    if r == 11 then
        if chance(0.25) then
            local a = gen_bool(depth - 1, scope)
            if a.op == "unknown" then a = { op = "not", a = a, ty = T_BOOL } end
            return { op = "call", fn = P.fn_or_input, args = { a }, ty = T_BOOL }
        end
        local both = chance(0.4)
        local args = { gen_bool(depth - 1, scope), gen_bool(depth - 1, scope), both and gen_bool(depth - 1, scope) or nil }
        for k, a in ipairs(args) do   -- a function's parameter gives `unknown` no type (decision 6)
            if a.op == "unknown" then args[k] = { op = "not", a = a, ty = T_BOOL } end
        end
        return { op = "call", fn = both and P.fn_both or P.fn_imp, args = args, ty = T_BOOL }
    end
    -- fn calls with a numeric comparison inside: literal arguments are values the other argument takes
    local u = pick({ nil, "kg", "weeks" })
    local a = gen_num(u, depth - 1, scope)
    local vs = {}
    for _, v in ipairs(sample_values(a, 6)) do if nice(v) then vs[#vs + 1] = v end end
    if #vs == 0 then return bool_leaf(depth - 1, scope) end
    if chance(0.5) then
        return { op = "call", fn = P.fn_gt, args = { a, lit_num(pick(vs), u) }, ty = T_BOOL }
    end
    local lo, hi = pick(vs), pick(vs)
    if lo > hi then lo, hi = hi, lo end
    return { op = "call", fn = P.fn_between, args = { a, lit_num(lo, u), lit_num(hi, u) }, ty = T_BOOL }
end

-- ---- inputs, params ---------------------------------------------------------
local function add_input(name, ty, extra)
    local i = { name = name, ty = ty }
    for k, v in pairs(extra or {}) do i[k] = v end
    P.inputs[name] = i
    P.input_list[#P.input_list + 1] = i
    return i
end

local function in_range(v, r)
    if not r then return true end
    local lo_ok = r.lo_incl and v >= r.lo or v > r.lo
    local hi_ok = r.hi_incl and v <= r.hi or v < r.hi
    return lo_ok and hi_ok
end

-- a value for input i (model representation), or nil for absent
local function input_value(i, full)
    local ty = i.ty
    if ty.k == "bool" then return chance(0.5) end
    if ty.k == "num" then
        local r = i.range
        for _ = 1, 20 do
            local v
            local x = rnd(10)
            if x <= 2 then v = r.lo elseif x <= 4 then v = r.hi
            elseif i.int then v = rnd(math.ceil(r.lo), math.floor(r.hi))
            elseif x <= 8 then v = r.lo + rnd(0, math.floor((r.hi - r.lo) * 2)) / 2
            else v = r.lo + rnd(0, math.floor((r.hi - r.lo) * 10)) / 10 end
            if i.int then v = math.tointeger(v) or v else v = tonumber(G.fmt_num(v)) end
            if (not i.int or math.type(v) == "integer") and in_range(v, r) then return v end
        end
        return nil
    end
    if ty.k == "date" then return chance(0.5) and pick(POOL_DATES) or rand_date() end
    if ty.k == "str" then
        for _ = 1, 10 do
            local s = pick(STRINGS)
            if not i.len or (utf8.len(s) >= i.len[1] and utf8.len(s) <= i.len[2]) then return s end
        end
        return nil
    end
    if ty.k == "enum" then return rnd(#ty.values) end
    if ty.k == "list" then
        local l = {}
        local n = rnd(i.len[1], i.len[2])
        for k = 1, n do l[k] = rnd(i.items[1], i.items[2]) end
        return l
    end
    error("input_value: " .. ty.k)
end

sample_case = function(full)
    local c = {}
    for _, i in ipairs(P.input_list) do
        if full or not chance(i.required and 0.05 or 0.25) then c[i.name] = input_value(i, full) end
    end
    return c
end

local function gen_inputs()
    local function num_input(int)
        local name = new_name(int and "int" or "num")
        local unit = chance(0.5) and pick(UNITS) or nil
        local lo = pick({ 0, 0, 1, -5 })
        local hi = lo + pick({ 1, 5, 10, 20, 100 })
        local r = { lo = lo, hi = hi, lo_incl = chance(0.8), hi_incl = chance(0.8) }
        if int and not r.lo_incl and not r.hi_incl and hi - lo < 2 then r.hi_incl = true end
        add_input(name, T_NUM(unit), { range = r, int = int })
    end
    for _ = 1, rnd(1, 3) do num_input(true) end
    for _ = 1, rnd(1, 2) do num_input(false) end
    -- one plain whole number for int classifications to override
    add_input(new_name("int"), T_NUM(nil), { range = { lo = 0, hi = 9, lo_incl = true, hi_incl = true }, int = true })
    for _ = 1, rnd(1, 3) do add_input(new_name("flag"), T_BOOL) end
    if chance(0.06) then   -- many inputs: provenance sets of more than one machine word
        for _ = 1, rnd(60, 300) do add_input(new_name("flag"), T_BOOL) end
    end
    for _ = 1, rnd(0, 2) do add_input(new_name("date"), T_DATE) end
    if chance(0.8) then add_input("first_contact_on", T_DATE) end
    if chance(0.6) then add_input("assessed_on", T_DATE) end
    for _ = 1, rnd(0, 2) do
        add_input(new_name("str"), T_STR, { len = chance(0.4) and { 0, 5 } or nil })
    end
    for _ = 1, rnd(1, 2) do
        local name = new_name("enm")
        local vals = {}
        for k = 1, rnd(2, 4) do vals[k] = name .. "_" .. string.char(96 + k) end
        add_input(name, { k = "enum", name = name, values = vals })
    end
    if chance(0.7) then add_input(new_name("tri"), { k = "enum", name = "tri", values = { "absent", "present", "dominant" } }) end
    if chance(0.3) then pick(P.input_list).required = true end
    if chance(0.4) then add_input("case_id", T_STR, { len = { 1, 128 }, required = chance(0.5) }) end
    for _ = 1, rnd(0, 2) do
        local minlen = pick({ 0, 1, 2, 3 })
        add_input(new_name("lst"), T_LIST, { len = { minlen, minlen + rnd(0, 4) }, items = { 0, pick({ 1, 3, 5 }) } })
    end
end

local function gen_params()
    for _ = 1, rnd(0, 3) do
        local unit = chance(0.5) and pick(UNITS) or nil
        local lo = pick({ 0, 1 })
        local hi = lo + pick({ 5, 10, 20 })
        local v = lo + rnd(1, (hi - lo) * 2 - 1) / 2   -- inside, whichever ends are exclusive
        local p = { name = new_name("p"), ty = T_NUM(unit), v = v,
                    range = { lo = lo, hi = hi, lo_incl = chance(0.7), hi_incl = chance(0.7) } }
        P.params[p.name] = p
        P.param_list[#P.param_list + 1] = p
    end
    if chance(0.5) then
        local p = { name = new_name("ps"), ty = T_STR, v = pick({ "abc", "xyz", "" }) }
        P.params[p.name] = p
        P.param_list[#P.param_list + 1] = p
    end
    if chance(0.3) then
        local p = { name = new_name("pb"), ty = T_BOOL, v = chance(0.5) }
        P.params[p.name] = p
        P.param_list[#P.param_list + 1] = p
    end
    if chance(0.3) then
        local p = { name = new_name("pd"), ty = T_DATE, v = pick(POOL_DATES) }
        P.params[p.name] = p
        P.param_list[#P.param_list + 1] = p
    end
    P.param_values = {}
    for _, p in ipairs(P.param_list) do P.param_values[p.name] = p.v end
end

local function fparam(k) return { op = "fparam", idx = k } end

local function gen_fns()
    P.fn_gt = new_name("fgt")
    P.fns[P.fn_gt] = { name = P.fn_gt, params = { "u", "v" },
        body = { op = "cmp", cmp = ">", a = fparam(1), b = fparam(2) } }
    P.fn_between = new_name("fbetween")
    P.fns[P.fn_between] = { name = P.fn_between, params = { "v", "lo", "hi" },
        body = { op = "and", args = { { op = "cmp", cmp = ">=", a = fparam(1), b = fparam(2) },
                                      { op = "cmp", cmp = "<=", a = fparam(1), b = fparam(3) } } } }
    P.fn_avg = new_name("favg")
    P.fns[P.fn_avg] = { name = P.fn_avg, params = { "a", "b" },
        body = { op = "arith", aop = "/", a = { op = "arith", aop = "+", a = fparam(1), b = fparam(2) },
                 b = lit_num(2, nil) } }
    -- a function that calls a function
    P.fn_imp = new_name("fimp")
    P.fns[P.fn_imp] = { name = P.fn_imp, params = { "p", "q" },
        body = { op = "or", args = { { op = "not", a = fparam(1) }, fparam(2) } } }
    P.fn_both = new_name("fboth")   -- a function calling a function
    P.fns[P.fn_both] = { name = P.fn_both, params = { "p", "q", "r" },
        body = { op = "and", args = { { op = "call", fn = P.fn_imp, args = { fparam(1), fparam(2) } }, fparam(3) } } }
    -- a function that reads an input of the case besides its parameter
    local flags = {}
    for _, i in ipairs(P.input_list) do if i.ty.k == "bool" then flags[#flags + 1] = i end end
    P.fn_or_input = new_name("forin")
    P.fns[P.fn_or_input] = { name = P.fn_or_input, params = { "p" },
        body = { op = "or", args = { fparam(1), { op = "input", name = pick(flags).name, ty = T_BOOL } } } }
    P.fn_list = { P.fn_gt, P.fn_between, P.fn_avg, P.fn_imp, P.fn_both, P.fn_or_input }
end

-- late: defines that may use classifications and the built-ins (only
-- outcomes other than exclusions and red flags may use those)
local function gen_defines(count, late)
    for _ = 1, count do
        local name = new_name("d")
        local r = rnd(6)
        local body, ty
        local scope = { outcome = late, builtins = late }
        local enums = atoms(function(t) return t.k == "enum" end, scope)
        local strs = atoms(function(t) return t.k == "str" end, scope)
        if r <= 2 then
            body, ty = gen_bool(2, scope), T_BOOL
            if body.op == "unknown" then   -- `define d = unknown` has no type to take (decision 6)
                body = { op = "or", args = { body, gen_bool(1, scope) }, ty = T_BOOL }
            end
        elseif r == 3 then
            local u = pick({ nil, "kg", "weeks" })
            body, ty = gen_num(u, 2, scope), T_NUM(u)
        elseif r == 5 and #enums > 0 then
            body = pick(enums)
            ty = body.ty
        elseif r == 6 and #strs > 0 then
            body, ty = pick(strs), T_STR
        else body, ty = gen_date(1, scope), T_DATE end
        local d = { name = name, ty = ty, body = body, uses_class = late }
        P.defines[name] = d
        P.define_list[#P.define_list + 1] = d
    end
end

local function gen_classes()
    local plain_ints = {}
    for _, i in ipairs(P.input_list) do
        if i.ty.k == "num" and not i.ty.unit then plain_ints[#plain_ints + 1] = i end
    end
    local enums = {}
    for _, i in ipairs(P.input_list) do if i.ty.k == "enum" then enums[#enums + 1] = i end end
    for _ = 1, rnd(0, 3) do
        local name = new_name("k")
        local c = { name = name, section = pick(SECTIONS), rows = {} }
        local scope = { outcome = false, builtins = chance(0.3), classes = true }
        local nrows = rnd(0, 3)
        if chance(0.5) then   -- whole numbers
            for k = 1, nrows do c.rows[k] = { when = gen_bool(2, scope), value = rnd(1, 4) } end
            c.rows[#c.rows + 1] = { value = rnd(1, 4) }
            if chance(0.5) then c.override = pick(plain_ints).name end
            c.ty = T_NUM(nil)
        else                   -- names: an enum of its own, or the override input's
            local names
            if #enums > 0 and chance(0.5) then
                local o = pick(enums)
                c.override = o.name
                names = o.ty.values
                for k = 1, #names - 1 do c.rows[k] = { when = gen_bool(2, scope), value = k } end
                c.rows[#names] = { value = #names }
            else
                names = {}
                for k = 1, nrows + 1 do names[k] = name .. "_v" .. k end
                for k = 1, nrows do c.rows[k] = { when = gen_bool(2, scope), value = k } end
                c.rows[nrows + 1] = { value = nrows + 1 }
            end
            c.names = names
            c.ty = { k = "enum", name = name, values = names }
        end
        -- 'classify ... when': the table applies to some cases only
        if chance(0.3) then c.applies = gen_bool(2, scope) end
        P.classes[#P.classes + 1] = c
    end
end

local function gen_text()
    local texts = { "Doe dit.", "Tab\there", "Quote \" and backslash \\", "Regel\nnieuw", "caf\195\169" }
    local t = {}
    for _, l in ipairs(P.langs) do t[l] = pick(texts) .. " " .. l end
    return t
end

local function gen_dose()
    local d = {}
    local keys = shuffle({ "sessions", "minutes_per_day", "load", "note", "continuous", "start", "zero", "frac" })
    for k = 1, rnd(1, 4) do
        local key = keys[k]
        if key == "sessions" or key == "minutes_per_day" then d[k] = { key = key, kind = "num", v = rnd(1, 60) }
        elseif key == "load" then d[k] = { key = key, kind = "num", v = rnd(1, 20), unit = "kg" }
        elseif key == "frac" then d[k] = { key = key, kind = "num", v = pick({ 1.5, -2.25, 0.125 }) }
        elseif key == "zero" then d[k] = { key = key, kind = "num", v = 0, negzero = chance(0.5) }
        elseif key == "note" then d[k] = { key = key, kind = "str", v = pick({ "none", "slight", "x\"y" }) }
        elseif key == "continuous" then d[k] = { key = key, kind = "bool", v = chance(0.5) }
        else d[k] = { key = key, kind = "date", v = pick(POOL_DATES) } end
    end
    return d
end

local function gen_outcomes()
    -- ids: unique per kind and section; now and then the same id again in
    -- another section (or, for advice, the same section with another
    -- strength), and the same id in different kinds. An advice id has each
    -- strength once, so that `expect advice ID STRENGTH` names one outcome.
    local ids, taken = {}, {}
    local function name_it(o, prefix)
        local kind = o.kind
        ids[kind] = ids[kind] or {}
        for _ = 1, 50 do
            local x
            if #ids[kind] > 0 and chance(0.15) then x = pick(ids[kind])
            elseif chance(0.3) then x = "o_" .. string.char(96 + rnd(4))   -- shared by the kinds
            else x = prefix .. "_" .. string.char(96 + rnd(26)) .. rnd(0, 9) end
            local sec = pick(SECTIONS)
            local k1 = kind .. "|" .. x .. "|" .. sec .. "|" .. (o.strength or "")
            local k2 = kind == "advice" and ("strength|" .. x .. "|" .. o.strength) or k1
            if not taken[k1] and not taken[k2] then
                taken[k1], taken[k2] = true, true
                if not taken[kind .. "|" .. x] then taken[kind .. "|" .. x] = true; ids[kind][#ids[kind] + 1] = x end
                o.id, o.section = x, sec
                return o
            end
        end
        o.id, o.section = new_name(prefix), pick(SECTIONS)
        return o
    end
    local base = { outcome = false }
    local full = { outcome = true, builtins = true }
    local prefixes = { exclusion = "ex", red_flag = "rf", referral = "ref", advice = "adv", schedule = "sch" }
    local function add(o)
        if o.kind ~= "measurement" then name_it(o, prefixes[o.kind]) end
        P.outcomes[#P.outcomes + 1] = o
    end
    for _ = 1, rnd(0, 3) do add({ kind = "exclusion", when = gen_bool(3, base) }) end
    for _ = 1, rnd(0, 3) do
        -- assess, none (the source names no action; never urgent) or a real action
        local action = chance(0.3) and "assess" or chance(0.15) and "none" or pick(ACTIONS)
        add({ kind = "red_flag", cluster = pick({ "cl_a", "cl_b", "fracture" }),
              urgent = action ~= "assess" and action ~= "none" and chance(0.4), action = action,
              when = gen_bool(3, base) })
    end
    for _ = 1, rnd(0, 3) do
        add({ kind = "referral", urgent = chance(0.4), action = pick(ACTIONS),
              when = gen_bool(3, full) })
    end
    for _ = 1, rnd(1, 5) do
        add({ kind = "advice", strength = pick(STRENGTHS),
              when = chance(0.9) and gen_bool(3, full) or nil, text = gen_text(), dose = chance(0.4) and gen_dose() or nil })
    end
    for _ = 1, rnd(0, 3) do
        local unit = chance(0.5) and "weeks" or "days"
        local from
        if chance(0.5) then from = gen_date(1, full) end
        if chance(0.05) then   -- a date past 9999-12-31: no printable date (decision 5)
            from = { op = "lit", v = model.days_from_civil(9999, rnd(1, 12), 1), ty = T_DATE }
        end
        add({ kind = "schedule", unit = unit,
              after = unit == "weeks" and pick({ 1, 2, 3, 6, 52, 520 }) or pick({ 1, 3, 7, 14, 30, 3640 }),
              from = from, when = chance(0.8) and gen_bool(2, full) or nil })
    end
    for _ = 1, rnd(0, 2) do
        local ms = shuffle({ "intake", "interim", "discharge" })
        local n = rnd(1, 3)
        local at, set = {}, {}
        for k = 1, n do at[k] = ms[k]; set[ms[k]] = true end
        local moments = {}
        for _, m in ipairs(MOMENTS) do if set[m] then moments[#moments + 1] = m end end
        local instrument, sec
        for _ = 1, 20 do   -- an instrument may be measured again in another section
            instrument, sec = pick(INSTRUMENTS), pick(SECTIONS)
            if not taken["m|" .. instrument .. "|" .. sec] then break end
        end
        if taken["m|" .. instrument .. "|" .. sec] then goto next_measure end
        taken["m|" .. instrument .. "|" .. sec] = true
        add({ kind = "measurement", id = instrument, section = sec, at = at, moments = moments,
              when = chance(0.7) and gen_bool(2, full) or nil })
        ::next_measure::
    end
end

-- ---- rendering --------------------------------------------------------------
local function qstr(s)
    return '"' .. s:gsub('[\\"\n\t]', { ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n", ["\t"] = "\\t" }) .. '"'
end
G.qstr = qstr

local function render_num(v, unit)
    local s = G.fmt_num(v)
    return unit and (s .. " " .. unit) or s
end

local render
local function render_lit(e)
    local t = e.ty
    if t.k == "bool" then return tostring(e.v) end
    if t.k == "num" then
        local s = render_num(e.v, t.unit)
        return e.v < 0 and "(" .. s .. ")" or s
    end
    if t.k == "date" then return model.date_str(e.v) end
    if t.k == "str" then return qstr(e.v) end
    if t.k == "enum" then return t.values[e.v] end
    error("render_lit " .. t.k)
end

local function enum_of(e)
    -- the enum a value of e belongs to, for writing its ordinal literals
    if e.ty and e.ty.k == "enum" then return e.ty end
end

render = function(e, fparams)
    local op = e.op
    if op == "lit" then return render_lit(e) end
    if op == "unknown" then return "unknown" end
    if op == "fparam" then return fparams[e.idx] end
    if op == "input" or op == "param" or op == "define" or op == "class" or op == "builtin" then return e.name end
    if op == "not" then return "(not " .. render(e.a, fparams) .. ")" end
    if op == "and" or op == "or" then
        return "(" .. render(e.args[1], fparams) .. " " .. op .. " " .. render(e.args[2], fparams) .. ")"
    end
    if op == "cmp" then
        local a, b = e.a, e.b
        local et = enum_of(a) or enum_of(b)
        local function side(x)
            if x.op == "lit" and et and x.ty.k == "enum" then return et.values[x.v] end
            return render(x, fparams)
        end
        return "(" .. side(a) .. " " .. e.cmp .. " " .. side(b) .. ")"
    end
    if op == "inrange" then
        local function bound(v) return e.date and model.date_str(v) or render_num(v, e.unit) end
        return "(" .. render(e.a, fparams) .. " in " .. (e.lo_incl and "[" or "(") .. bound(e.lo) .. ", "
            .. bound(e.hi) .. (e.hi_incl and "]" or ")") .. ")"
    end
    if op == "inset" then
        local items = {}
        local et = enum_of(e.a)
        for k, it in ipairs(e.items) do items[k] = et and et.values[it] or G.fmt_num(it) end
        return "(" .. render(e.a, fparams) .. " in {" .. table.concat(items, ", ") .. "})"
    end
    if op == "arith" then return "(" .. render(e.a, fparams) .. " " .. e.aop .. " " .. render(e.b, fparams) .. ")" end
    if op == "neg" then return "(-" .. render(e.a, fparams) .. ")" end
    local function list(args, first)
        local r = first and { first } or {}
        for _, a in ipairs(args) do r[#r + 1] = render(a, fparams) end
        return table.concat(r, #r > 8 and ",\n        " or ", ")   -- source lines hold 8192 bytes
    end
    if op == "known" then return "known(" .. render(e.a, fparams) .. ")" end
    if op == "any" or op == "all" or op == "count" or op == "coalesce" then return op .. "(" .. list(e.args) .. ")" end
    if op == "at_least" then return "at_least(" .. list(e.args, tostring(e.n)) .. ")" end
    if op == "days_between" or op == "weeks_between" then
        return op .. "(" .. render(e.a, fparams) .. ", " .. render(e.b, fparams) .. ")"
    end
    if op == "sum" then
        if e.i then return "sum(" .. render(e.a, fparams) .. ", " .. e.i .. ", " .. e.j .. ")" end
        return "sum(" .. render(e.a, fparams) .. ")"
    end
    if op == "call" then return e.fn .. "(" .. list(e.args) .. ")" end
    error("render: " .. tostring(op))
end
G.render = render

local function render_range(r, unit)
    return (r.lo_incl and "[" or "(") .. render_num(r.lo, unit) .. ", " .. render_num(r.hi, unit) .. (r.hi_incl and "]" or ")")
end

local render_type
render_type = function(i)
    local t = i.ty
    if i.required then
        i.required = nil
        local r = render_type(i)
        i.required = true
        return r .. " required"
    end
    if t.k == "bool" then return "bool" end
    if t.k == "num" then
        return (i.int and "int " or "number ") .. render_range(i.range, nil) .. (t.unit and (" " .. t.unit) or "")
    end
    if t.k == "date" then return "date" end
    if t.k == "str" then return "string" .. (i.len and string.format(" length [%d, %d]", i.len[1], i.len[2]) or "") end
    if t.k == "enum" then
        if t.name == "tri" then return "tri" end
        return "enum { " .. table.concat(t.values, ", ") .. " }"
    end
    if t.k == "list" then
        return string.format("list of int [%d, %d] length [%d, %d]", i.items[1], i.items[2], i.len[1], i.len[2])
    end
end

local function when_clause(o)
    return o.when and (" when " .. render(o.when)) or ""
end

local function render_outcome(o)
    local L = {}
    if o.kind == "exclusion" then
        L[1] = "exclude " .. o.id .. " " .. qstr(o.section) .. when_clause(o)
    elseif o.kind == "red_flag" then
        L[1] = "red_flag " .. o.id .. " " .. qstr(o.section) .. " in " .. o.cluster .. (o.urgent and " urgent" or "")
            .. " -> " .. o.action .. when_clause(o)
    elseif o.kind == "referral" then
        L[1] = "refer " .. o.id .. " " .. qstr(o.section) .. (o.urgent and " urgent" or "") .. " -> " .. o.action .. when_clause(o)
    elseif o.kind == "advice" then
        L[1] = "advice " .. o.id .. " " .. o.strength .. " " .. qstr(o.section) .. when_clause(o)
        for _, l in ipairs(P.langs) do L[#L + 1] = "    " .. l .. " " .. qstr(o.text[l]) end
        if o.dose then
            local ents = {}
            for k, d in ipairs(o.dose) do
                local v
                if d.kind == "num" then v = d.negzero and "-0" or render_num(d.v, d.unit)
                elseif d.kind == "str" then v = qstr(d.v)
                elseif d.kind == "bool" then v = tostring(d.v)
                else v = model.date_str(d.v) end
                ents[k] = d.key .. ": " .. v
            end
            L[#L + 1] = "    dose { " .. table.concat(ents, ", ") .. " }"
        end
    elseif o.kind == "schedule" then
        L[1] = "schedule " .. o.id .. " " .. qstr(o.section) .. " after " .. o.after .. " " .. o.unit
            .. (o.from and (" from " .. render(o.from)) or "") .. when_clause(o)
    elseif o.kind == "measurement" then
        L[1] = "measure " .. o.id .. " " .. qstr(o.section) .. " at " .. table.concat(o.at, ", ") .. when_clause(o)
    end
    return table.concat(L, "\n")
end

local function render_class(c)
    local L = { "classify " .. c.name .. " " .. qstr(c.section) .. (c.override and (" override " .. c.override) or "")
                .. (c.applies and (" when " .. render(c.applies)) or "") .. " {" }
    for _, row in ipairs(c.rows) do
        local v = c.names and c.names[row.value] or tostring(row.value)
        L[#L + 1] = "    " .. (row.when and ("when " .. render(row.when)) or "otherwise") .. " -> " .. v
    end
    L[#L + 1] = "}"
    return table.concat(L, "\n")
end

-- ---- a whole program --------------------------------------------------------
function G.program(index)
    P = { counter = 0, inputs = {}, input_list = {}, params = {}, param_list = {}, defines = {}, define_list = {},
          fns = {}, classes = {}, outcomes = {}, index = index }
    POOL_DATES = {}
    for k = 1, 4 do POOL_DATES[k] = rand_date() end
    P.langs = chance(0.5) and { "nl", "en" } or { "en" }
    gen_inputs()
    gen_params()
    gen_fns()
    gen_defines(rnd(1, 5), false)
    gen_classes()
    gen_defines(rnd(0, 2), true)
    gen_outcomes()

    -- declarations in shuffled order; the order of inputs, classifications
    -- and outcomes in the text is what output order depends on
    local decls = {}
    for _, i in ipairs(P.input_list) do decls[#decls + 1] = { "input", i } end
    for _, p in ipairs(P.param_list) do decls[#decls + 1] = { "param", p } end
    for _, d in ipairs(P.define_list) do decls[#decls + 1] = { "define", d } end
    for _, f in ipairs(P.fn_list) do decls[#decls + 1] = { "fn", P.fns[f] } end
    for _, c in ipairs(P.classes) do decls[#decls + 1] = { "class", c } end
    for _, o in ipairs(P.outcomes) do decls[#decls + 1] = { "outcome", o } end
    shuffle(decls)
    local lines = {
        string.format('guideline difftest_%d { title "difftest %d" version "1.0.%d" status draft language %s }',
            index, index, index, table.concat(P.langs, ", ")),
        "unit " .. table.concat(UNITS, ", "),
    }
    P.input_list, P.classes, P.outcomes = {}, {}, {}
    for _, d in ipairs(decls) do
        local kind, x = d[1], d[2]
        if kind == "input" then
            P.input_list[#P.input_list + 1] = x
            lines[#lines + 1] = "input " .. x.name .. ": " .. render_type(x)
        elseif kind == "param" then
            local v
            if x.ty.k == "num" then
                v = render_num(x.v, x.ty.unit) .. " " .. render_range(x.range, x.ty.unit)
            elseif x.ty.k == "str" then v = qstr(x.v)
            elseif x.ty.k == "bool" then v = tostring(x.v)
            else v = model.date_str(x.v) end
            lines[#lines + 1] = "param " .. x.name .. " = " .. v
        elseif kind == "define" then
            lines[#lines + 1] = "define " .. x.name .. " = " .. render(x.body)
        elseif kind == "fn" then
            lines[#lines + 1] = "fn " .. x.name .. "(" .. table.concat(x.params, ", ") .. ") = " .. render(x.body, x.params)
        elseif kind == "class" then
            P.classes[#P.classes + 1] = x
            lines[#lines + 1] = render_class(x)
        else
            P.outcomes[#P.outcomes + 1] = x
            lines[#lines + 1] = render_outcome(x)
        end
    end
    -- `because` order: inputs, then classifications, as declared; then the built-ins
    P.rank = {}
    local n = 0
    for _, i in ipairs(P.input_list) do n = n + 1; P.rank[i.name] = n end
    for _, c in ipairs(P.classes) do n = n + 1; P.rank[c.name] = n end
    P.rank.in_scope = n + 1
    P.rank.red_flagged = n + 2
    P.class_by_name = {}
    for _, c in ipairs(P.classes) do P.class_by_name[c.name] = c end
    P.text = table.concat(lines, "\n") .. "\n"
    return P
end

-- ---- cases ------------------------------------------------------------------
-- Returns the model's case (input -> value) and its JSON text (absent
-- fields left out or written as null).
-- full: every input present (for the date-validity check)
function G.case(prog, full)
    P = prog
    local c = sample_case(full)
    local parts = {}
    for _, i in ipairs(prog.input_list) do
        local v = c[i.name]
        local js, alt
        if v == nil then
            if chance(0.3) then js = "null" end
        elseif i.ty.k == "bool" then js = tostring(v)
        elseif i.ty.k == "num" then   -- other JSON spellings of the same number now and then
            js = G.fmt_num(v)
            local r = rnd(20)
            -- (a test's `given` takes no exponent: that spelling stays in the JSON line)
            if r == 1 then alt = string.format("%.17e", v)
            elseif r == 2 and math.type(v) == "integer" then js = js .. ".0" end
        elseif i.ty.k == "date" then js = '"' .. model.date_str(v) .. '"'
        elseif i.ty.k == "str" then js = G.json_str(v)
        elseif i.ty.k == "enum" then js = '"' .. i.ty.values[v] .. '"'
        else
            local items = {}
            for k, x in ipairs(v) do items[k] = tostring(x) end
            js = "[" .. table.concat(items, ", ") .. "]"
        end
        if js then parts[#parts + 1] = { i.name, js, alt } end
    end
    shuffle(parts)
    local kv = {}
    for k, p in ipairs(parts) do kv[k] = '"' .. p[1] .. '": ' .. (p[3] or p[2]) end
    return c, "{" .. table.concat(kv, ", ") .. "}", parts
end

function G.json_str(s)
    return '"' .. s:gsub('[%c\\"]', function(ch)
        if ch == "\\" then return "\\\\" end
        if ch == '"' then return '\\"' end
        return string.format("\\u%04x", ch:byte())
    end) .. '"'
end

-- a different value for an overridable parameter (numbers in range, strings)
function G.param_override(prog)
    local cands = {}
    for _, p in ipairs(prog.param_list) do
        if p.ty.k == "num" or p.ty.k == "str" then cands[#cands + 1] = p end
    end
    if #cands == 0 then return nil end
    local p = pick(cands)
    if p.ty.k == "num" then   -- the ends too, and now and then a value outside: refused
        local v = p.range.lo + rnd(0, (p.range.hi - p.range.lo) * 4) / 4
        if chance(0.1) then v = pick({ p.range.hi + 1, p.range.lo - 0.5 }) end
        return p, v, G.fmt_num(v), in_range(v, p.range)
    end
    local v = pick({ "abc", "xyz", "q" })
    return p, v, v, true
end

return G
