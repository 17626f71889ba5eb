-- model.lua - the differential tester's reference evaluator: what a GDL
-- program means for one case, written from docs/language.md,
-- ../shared/spec/advice-format.md and the issue-14 decisions, NOT from the
-- C code. It evaluates the generator's program description (gen.lua), not
-- .gdl text. Where the documents are silent, the rule chosen is listed in
-- tests/diff/README.md ("Where the documentation is silent").
--
-- A value is { known = bool, v = ..., deps = {name = true}, reasons = {text = true} }.
-- deps: for a known value, the inputs / classifications / built-ins that
-- made it (its `because`); for an unknown value, the absent inputs behind
-- it (its `missing`). reasons: why an unknown value with no absent input
-- behind it is unknown (decision 4).
--
-- quirks (a set of names, see known.lua): emulate a known engine defect so
-- the driver can tell a known mismatch from an unexplained one.

local M = {}

M.REASON_DIV0 = "division by zero"
M.REASON_UNKNOWN = "the literal unknown"
M.REASON_NOT_APPLICABLE = "a classification that does not apply"

local function set_of(...)
    local s = {}
    for _, k in ipairs({ ... }) do s[k] = true end
    return s
end

local function union(a, b)
    local s = {}
    for k in pairs(a) do s[k] = true end
    for k in pairs(b) do s[k] = true end
    return s
end

-- Sets are never changed once made, so values may share them.
local EMPTY = setmetatable({}, { __newindex = function() error("model: a shared empty set is read-only") end })
local function known(v, deps) return { known = true, v = v, deps = deps or EMPTY, reasons = EMPTY } end
local function unknown(deps, reasons) return { known = false, deps = deps or EMPTY, reasons = reasons or EMPTY } end

-- ---- dates: days since 1970-01-01 (proleptic Gregorian) -----------------
function M.days_from_civil(y, m, d)
    if m <= 2 then y = y - 1 end
    local era = (y >= 0 and y or y - 399) // 400
    local yoe = y - era * 400
    local mp = (m + 9) % 12
    local doy = (153 * mp + 2) // 5 + d - 1
    local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468
end

function M.civil_from_days(z)
    z = z + 719468
    local era = (z >= 0 and z or z - 146096) // 146097
    local doe = z - era * 146097
    local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    local y = yoe + era * 400
    local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    local mp = (5 * doy + 2) // 153
    local d = doy - (153 * mp + 2) // 5 + 1
    local m = mp < 10 and mp + 3 or mp - 9
    if m <= 2 then y = y + 1 end
    return y, m, d
end

function M.date_str(days)
    local y, m, d = M.civil_from_days(days)
    return string.format("%04d-%02d-%02d", y, m, d)
end

function M.parse_date(s)
    local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
    return M.days_from_civil(tonumber(y), tonumber(m), tonumber(d))
end

-- ---- expressions ----------------------------------------------------------

-- the provenance of a list of values: their deps and reasons, joined
local function join(list)
    if #list == 1 then return list[1].deps, list[1].reasons end   -- sets are never changed in place
    local d, r = {}, {}
    for _, x in ipairs(list) do
        for k in pairs(x.deps) do d[k] = true end
        for k in pairs(x.reasons) do r[k] = true end
    end
    return d, r
end

-- Kleene and/or over already evaluated operands: the deciding value (false
-- for and, true for or) wins and brings the provenance of the operands that
-- hold it; else unknown brings the unknown operands'; else all of them.
local function kleene(vals, is_or)
    local dec, unk = {}, {}
    for _, x in ipairs(vals) do
        if x.known and x.v == is_or then dec[#dec + 1] = x
        elseif not x.known then unk[#unk + 1] = x end
    end
    if #dec > 0 then return known(is_or, (join(dec))) end
    if #unk > 0 then return unknown(join(unk)) end
    return known(not is_or, (join(vals)))
end

-- Strict operators: any unknown operand makes the result unknown, with the
-- unknown operands' provenance; else f(values) with everyone's.
local function strict(vals, f)
    local unk = {}
    for _, x in ipairs(vals) do if not x.known then unk[#unk + 1] = x end end
    if #unk > 0 then return unknown(join(unk)) end
    local d = (join(vals))
    local raw = {}
    for i, x in ipairs(vals) do raw[i] = x.v end
    local v, why = f(table.unpack(raw))
    if v == nil then return unknown({}, why and set_of(why) or {}) end
    return known(v, d)
end

local CMP = {
    ["=="] = function(a, b) return a == b end,
    ["!="] = function(a, b) return a ~= b end,
    ["<"] = function(a, b) return a < b end,
    ["<="] = function(a, b) return a <= b end,
    [">"] = function(a, b) return a > b end,
    [">="] = function(a, b) return a >= b end,
}

-- the marker a string parameter becomes under quirk issue14_d1 (the engine
-- pushes a number slot): equal to nothing, not even itself
local BROKEN_STR = setmetatable({}, { __tostring = function() return "<string param>" end })

local function arith(op, a, b)
    if op == "+" then return a + b end
    if op == "-" then return a - b end
    if op == "*" then return a * b end
    if b == 0 then return nil, M.REASON_DIV0 end
    return a / b
end

local eval

local function eval_call(ctx, e, env)
    local fn = ctx.prog.fns[e.fn]
    local args = {}
    for i, a in ipairs(e.args) do args[i] = eval(ctx, a, env) end
    return eval(ctx, fn.body, args)
end

eval = function(ctx, e, env)
    local op = e.op
    if op == "lit" then return known(e.v) end
    if op == "unknown" then return unknown({}, set_of(M.REASON_UNKNOWN)) end
    if op == "fparam" then return env[e.idx] end
    if op == "input" then
        local v = ctx.case[e.name]
        if v == nil then return unknown(set_of(e.name)) end
        return known(v, set_of(e.name))
    end
    if op == "param" then
        local p = ctx.prog.params[e.name]
        local v = ctx.params[e.name]
        if p.ty.k == "str" then
            ctx.triggered.issue14_d1 = true
            if ctx.quirks.issue14_d1 then v = BROKEN_STR end
        end
        return known(v)
    end
    if op == "define" then return ctx.define(e.name) end
    if op == "class" or op == "builtin" then
        local r = ctx.fact(e.name)
        if r.known then return known(r.v, set_of(e.name)) end
        return unknown(r.deps, r.reasons)
    end
    if op == "not" then
        local a = eval(ctx, e.a, env)
        if a.known then return known(not a.v, a.deps) end
        return a
    end
    if op == "and" or op == "or" or op == "any" or op == "all" then
        local vals = {}
        for i, a in ipairs(e.args) do vals[i] = eval(ctx, a, env) end
        return kleene(vals, op == "or" or op == "any")
    end
    if op == "cmp" then
        local a, b = eval(ctx, e.a, env), eval(ctx, e.b, env)
        local f = CMP[e.cmp]
        return strict({ a, b }, function(x, y)
            if x == BROKEN_STR or y == BROKEN_STR then return e.cmp == "!=" end
            return f(x, y)
        end)
    end
    if op == "inrange" then
        return strict({ eval(ctx, e.a, env) }, function(x)
            local lo_ok = e.lo_incl and x >= e.lo or (not e.lo_incl and x > e.lo)
            local hi_ok = e.hi_incl and x <= e.hi or (not e.hi_incl and x < e.hi)
            return lo_ok and hi_ok
        end)
    end
    if op == "inset" then
        return strict({ eval(ctx, e.a, env) }, function(x)
            for _, it in ipairs(e.items) do if it == x then return true end end
            return false
        end)
    end
    if op == "arith" then
        return strict({ eval(ctx, e.a, env), eval(ctx, e.b, env) }, function(x, y) return arith(e.aop, x, y) end)
    end
    if op == "neg" then return strict({ eval(ctx, e.a, env) }, function(x) return -x end) end
    if op == "known" then
        local a = eval(ctx, e.a, env)
        return known(a.known, a.deps)
    end
    if op == "at_least" then
        local t, u, f = {}, {}, {}
        for _, a in ipairs(e.args) do
            local x = eval(ctx, a, env)
            if not x.known then u[#u + 1] = x elseif x.v then t[#t + 1] = x else f[#f + 1] = x end
        end
        if #t >= e.n then return known(true, (join(t))) end
        if #t + #u < e.n then return known(false, (join(f))) end
        return unknown(join(u))
    end
    if op == "count" then
        local vals = {}
        for i, a in ipairs(e.args) do vals[i] = eval(ctx, a, env) end
        return strict(vals, function(...)
            local n = 0
            for _, x in ipairs({ ... }) do if x then n = n + 1 end end
            return n
        end)
    end
    if op == "coalesce" then
        local seen = {}
        for i, a in ipairs(e.args) do
            seen[i] = eval(ctx, a, env)
            if seen[i].known then return seen[i] end
        end
        return unknown(join(seen))
    end
    if op == "days_between" or op == "weeks_between" then
        return strict({ eval(ctx, e.a, env), eval(ctx, e.b, env) }, function(x, y)
            local days = y - x
            if op == "days_between" then return days end
            local w = days / 7
            return w < 0 and math.ceil(w) or math.floor(w)
        end)
    end
    if op == "sum" then
        return strict({ eval(ctx, e.a, env) }, function(l)
            local s, i, j = 0, e.i or 1, e.j or #l
            if j > #l then return nil, "list too short" end
            for k = i, j do s = s + l[k] end
            return s
        end)
    end
    if op == "call" then return eval_call(ctx, e, env) end
    error("model: unknown expression op " .. tostring(op))
end

-- ---- one case -------------------------------------------------------------

-- natural order of section strings: runs of digits compare as numbers
local function section_key(s)
    local parts = {}
    for digits, other in s:gmatch("(%d*)(%D*)") do
        if digits ~= "" then parts[#parts + 1] = { true, tonumber(digits), digits } end
        if other ~= "" then parts[#parts + 1] = { false, other } end
    end
    return parts
end

function M.section_less(a, b)
    local ka, kb = section_key(a), section_key(b)
    for i = 1, math.min(#ka, #kb) do
        local x, y = ka[i], kb[i]
        if x[1] and y[1] then
            if x[2] ~= y[2] then return x[2] < y[2] end
        elseif x[1] ~= y[1] then
            return x[1]     -- a digit sorts before any other character run here
        elseif x[2] ~= y[2] then
            return x[2] < y[2]
        end
    end
    if #ka ~= #kb then return #ka < #kb end
    return a < b
end

local KIND_ORDER = { "scope", "exclusion", "red_flag", "referral", "classification", "advice", "schedule",
                     "measurement" }

-- Evaluates program prog (gen.lua's description) on case (a table: input
-- name -> model value, absent for unknown), with parameter values params
-- (name -> value) and options { lang = "nl"|"en", quirks = {...} }.
-- Returns the advice-format result as plain Lua data (cjson.null for null)
-- and a trace of facts the driver uses for `gdl test` expectations.
function M.run(prog, case, params, opts, null)
    local refused = {}   -- every required input absent, in declaration order
    for _, i in ipairs(prog.input_list) do
        if i.required and case[i.name] == nil then refused[#refused + 1] = { field = i.name } end
    end
    if #refused > 0 then   -- the case is refused; nothing is concluded
        return { case_id = case.case_id or null, status = "error", errors = refused, in_scope = null, exclusions = {},
                 red_flags = {}, classifications = {}, advice = {}, referrals = {}, schedule = {}, measurements = {},
                 missing = {} },
               { defines = {}, triggered = {} }
    end
    local quirks = opts.quirks or {}
    -- triggered: the quirks that could change this case's result (the
    -- driver tries only those to explain a mismatch)
    local triggered = {}
    local ctx = { prog = prog, case = case, params = params, quirks = quirks, triggered = triggered }
    local memo, busy = {}, {}
    function ctx.define(name)
        if memo[name] then return memo[name] end
        assert(not busy[name], "model: cycle through " .. name)
        busy[name] = true
        memo[name] = eval(ctx, prog.defines[name].body, nil)
        return memo[name]
    end
    local facts = {}
    local classify
    function ctx.fact(name)
        if not facts[name] and prog.class_by_name[name] then facts[name] = classify(prog.class_by_name[name]) end
        return assert(facts[name], "model: fact used before it is known: " .. name)
    end

    -- exclusions, in_scope, red flags, red_flagged
    local conds = {}   -- outcome key -> value of its condition
    local function cond_of(o)
        if not o.when then return known(true, {}) end
        return eval(ctx, o.when, nil)
    end
    local excl_vals, rf_vals = {}, {}
    for _, o in ipairs(prog.outcomes) do
        if o.kind == "exclusion" then
            conds[o] = cond_of(o); excl_vals[#excl_vals + 1] = conds[o]
        elseif o.kind == "red_flag" then
            conds[o] = cond_of(o); rf_vals[#rf_vals + 1] = conds[o]
        end
    end
    local any_excl = kleene(excl_vals, true)
    facts.in_scope = any_excl.known and known(not any_excl.v, any_excl.deps) or any_excl
    facts.red_flagged = kleene(rf_vals, true)

    -- classifications, each when first needed (a row may use inputs,
    -- defines, params, the built-ins and other classifications)
    local class_out = {}
    classify = function(c)
        local r
        local ov = c.override and case[c.override]
        -- 'when': where the condition is false the table does not apply (its value
        -- is unknown for that reason and it is left out of the result); where it
        -- is unknown, the value is unknown with the condition's provenance.
        local applies = c.applies and eval(ctx, c.applies, nil)
        if applies and not applies.known then
            return unknown(applies.deps, applies.reasons)
        elseif applies and not applies.v then
            return unknown({}, set_of(M.REASON_NOT_APPLICABLE))
        end
        if ov ~= nil then
            r = known(ov, set_of(c.override)); r.because = { c.override }
        else
            for _, row in ipairs(c.rows) do
                local x = row.when and eval(ctx, row.when, nil) or known(true, {})
                if not x.known then
                    local d = x.deps
                    if c.override then d = union(d, set_of(c.override)) end
                    r = unknown(d, x.reasons)
                    break
                elseif x.v then
                    r = known(row.value, x.deps)
                    r.otherwise = row.when == nil
                    break
                end
            end
        end
        return r
    end
    for _, c in ipairs(prog.classes) do class_out[c.name] = ctx.fact(c.name) end
    -- a classification whose 'when' is known false is left out of the result
    local applies_out = {}
    for _, c in ipairs(prog.classes) do
        local a = c.applies and eval(ctx, c.applies, nil)
        applies_out[c.name] = not (a and a.known and not a.v)
    end

    for _, o in ipairs(prog.outcomes) do
        if not conds[o] then conds[o] = cond_of(o) end
    end

    local rank = prog.rank
    local function because(deps)
        local l = {}
        for k in pairs(deps) do l[#l + 1] = k end
        table.sort(l, function(a, b) return rank[a] < rank[b] end)
        return l
    end

    local out = {
        case_id = case.case_id or null, status = "ok", errors = {},
        in_scope = null,
        exclusions = {}, red_flags = {}, classifications = {}, advice = {}, referrals = {},
        schedule = {}, measurements = {}, missing = {},
    }
    if facts.in_scope.known then out.in_scope = facts.in_scope.v end
    for _, c in ipairs(prog.classes) do
        if applies_out[c.name] then
            local r = class_out[c.name]
            local v = null
            if r.known then v = c.names and c.names[r.v] or r.v end
            local bc = r.known and because(r.deps) or {}
            if r.known and r.otherwise then table.insert(bc, 1, "otherwise") end
            out.classifications[c.name] = { value = v, section = c.section, because = bc }
        end
    end
    local lang = opts.lang or "nl"
    local ord = {}   -- item -> declaration order, the last tie-break of every sort
    for n, o in ipairs(prog.outcomes) do
        local x = conds[o]
        if x.known and x.v then
            local bc = because(x.deps)
            local before = { #out.exclusions, #out.red_flags, #out.referrals, #out.advice, #out.schedule, #out.measurements }
            if o.kind == "exclusion" then
                out.exclusions[#out.exclusions + 1] = { id = o.id, section = o.section, because = bc }
            elseif o.kind == "red_flag" then
                -- a red flag whose source names no action (`-> none`) has "action": null
                out.red_flags[#out.red_flags + 1] = { id = o.id, cluster = o.cluster,
                    action = o.action == "none" and null or o.action,
                    urgent = o.urgent, section = o.section, because = bc }
            elseif o.kind == "referral" then
                out.referrals[#out.referrals + 1] = { id = o.id, action = o.action, urgent = o.urgent,
                    section = o.section, because = bc }
            elseif o.kind == "advice" then
                local dose = null
                if o.dose then
                    dose = {}
                    for _, d in ipairs(o.dose) do
                        local v = d.v
                        if d.kind == "date" then v = M.date_str(v)
                        elseif d.kind == "num" then
                            if d.negzero then triggered.issue14_d5 = true end
                            if v == 0 then v = (quirks.issue14_d5 and d.negzero) and -0.0 or 0 end  -- -0 prints 0
                            if d.unit then triggered.finding_dose_unit = true end
                            if d.unit and not quirks.finding_dose_unit then v = { value = v, unit = d.unit } end
                        end
                        dose[d.key] = v
                    end
                end
                local text = o.text[lang] or o.text.nl or o.text.en
                out.advice[#out.advice + 1] = { id = o.id, strength = o.strength, section = o.section,
                    text = text, because = bc, dose = dose }
            elseif o.kind == "schedule" then
                local base
                if o.from then
                    local b = eval(ctx, o.from, nil)
                    base = b.known and b.v or nil
                else
                    for _, f in ipairs({ "first_contact_on", "assessed_on" }) do
                        if base == nil and prog.inputs[f] then base = case[f] end
                    end
                end
                local days = o.unit == "weeks" and o.after * 7 or o.after
                local on = null
                if base then
                    local d = base + days
                    if d <= M.days_from_civil(9999, 12, 31) and d >= M.days_from_civil(1, 1, 1) then
                        on = M.date_str(d)
                    else   -- no printable date
                        triggered.issue14_d5 = true
                        if quirks.issue14_d5 then on = "0000-00-00" end
                    end
                end
                local item = { id = o.id, on = on, section = o.section, _days = days }
                item[o.unit == "weeks" and "after_weeks" or "after_days"] = o.after
                out.schedule[#out.schedule + 1] = item
            elseif o.kind == "measurement" then
                out.measurements[#out.measurements + 1] = { instrument = o.id, moments = o.moments,
                    section = o.section }
            end
            for k, f in ipairs({ "exclusions", "red_flags", "referrals", "advice", "schedule", "measurements" }) do
                if #out[f] > before[k] then ord[out[f][#out[f]]] = n end
            end
        end
    end
    local function urgency_then_id(a, b)
        if a.urgent ~= b.urgent then return a.urgent end
        if a.id ~= b.id then return a.id < b.id end
        return ord[a] < ord[b]
    end
    table.sort(out.red_flags, urgency_then_id)
    table.sort(out.referrals, urgency_then_id)
    table.sort(out.advice, function(a, b)
        if a.section ~= b.section then return M.section_less(a.section, b.section) end
        if a.id ~= b.id then return a.id < b.id end
        return ord[a] < ord[b]
    end)
    if #out.schedule > 1 then triggered.issue14_d3 = true end
    if quirks.issue14_d3 then
        table.sort(out.schedule, function(a, b)
            if a._days ~= b._days then return a._days < b._days end
            if a.id ~= b.id then return a.id < b.id end
            return ord[a] < ord[b]
        end)
    else
        table.sort(out.schedule, function(a, b)
            if (a.on == null) ~= (b.on == null) then return b.on == null end
            if a.on ~= null and a.on ~= b.on then return a.on < b.on end
            if a._days ~= b._days then return a._days < b._days end
            if a.id ~= b.id then return a.id < b.id end
            return ord[a] < ord[b]
        end)
    end
    for _, s in ipairs(out.schedule) do s._days = nil end

    -- missing: the conclusions left unknown, in needed_for order
    local open = {}
    local function add_open(kind, id, v) open[#open + 1] = { kind = kind, id = id, v = v } end
    if not facts.in_scope.known then add_open("scope", nil, facts.in_scope) end
    local kind_rank = {}
    for i, k in ipairs(KIND_ORDER) do kind_rank[k] = i end
    for _, o in ipairs(prog.outcomes) do
        if not conds[o].known then add_open(o.kind, o.id, conds[o]) end
    end
    for _, c in ipairs(prog.classes) do
        if not class_out[c.name].known and applies_out[c.name] then add_open("classification", c.name, class_out[c.name]) end
    end
    table.sort(open, function(a, b)
        if a.kind ~= b.kind then return kind_rank[a.kind] < kind_rank[b.kind] end
        return (a.id or "") < (b.id or "")
    end)
    local by_field, by_reason = {}, {}
    for _, c in ipairs(open) do
        local label = c.kind == "scope" and "scope" or (c.kind .. ":" .. c.id)
        if next(c.v.deps) then
            for f in pairs(c.v.deps) do   -- each conclusion once, however many outcomes share its id
                by_field[f] = by_field[f] or {}
                if by_field[f][#by_field[f]] ~= label then table.insert(by_field[f], label) end
            end
        elseif next(c.v.reasons) then
            triggered.issue14_d4 = true
        end
        if not next(c.v.deps) and not quirks.issue14_d4 then
            for r in pairs(c.v.reasons) do
                by_reason[r] = by_reason[r] or {}
                if by_reason[r][#by_reason[r]] ~= label then table.insert(by_reason[r], label) end
            end
        end
    end
    local fields = {}
    for f in pairs(by_field) do fields[#fields + 1] = f end
    table.sort(fields)
    for _, f in ipairs(fields) do out.missing[#out.missing + 1] = { field = f, needed_for = by_field[f] } end
    local reasons = {}
    for r in pairs(by_reason) do reasons[#reasons + 1] = r end
    table.sort(reasons)
    for _, r in ipairs(reasons) do
        out.missing[#out.missing + 1] = { field = null, needed_for = by_reason[r], reason = r }
    end

    local trace = { defines = {}, triggered = triggered }
    for name, d in pairs(prog.defines) do
        if d.ty.k == "bool" then trace.defines[name] = ctx.define(name) end
    end
    return out, trace
end

-- Evaluates one expression on a case: the generator uses it to pick
-- literals the expression can actually take.
function M.eval_expr(prog, e, case, params)
    local ctx = { prog = prog, case = case, params = params, quirks = {}, triggered = {} }
    local memo = {}
    function ctx.define(name)
        if not memo[name] then memo[name] = eval(ctx, prog.defines[name].body, nil) end
        return memo[name]
    end
    function ctx.fact() return unknown({}) end
    return eval(ctx, e, nil)
end

return M
