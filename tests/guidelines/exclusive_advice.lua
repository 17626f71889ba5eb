-- exclusive_advice.lua - no case gets advice to go on with (or adjust) a
-- treatment together with advice to close it (KNGF 2021 B.2, C.5; issue 9;
-- KNGF 2013 C.1.1-C.1.3, C.3).
-- Reads `gdl run --batch` results (JSON Lines) on stdin and the guideline
-- source named on the command line; exits 1 and names every offending case.
--
--   lua5.4 exclusive_advice.lua GUIDELINE.gdl < results.jsonl
--
-- "Close" is the C.5 closing and the profile-1 cap. "Go on" is every advice
-- the guideline gates on `treating` (read from the source, so a new treatment
-- advice is covered without editing this file), the B.2 re-evaluation and
-- adjustment advice, the re-evaluation schedule, and the 6-week GP contact
-- of profile 3 ("nog enige tijd verder te begeleiden", Noot B.2).
-- A guideline without closing advice (the MSK leidraad, the tissue-reactivity
-- tables: they say nothing about ending a treatment) has no such pair to
-- check; for every guideline, also no case gets one advice id recommended
-- (do, consider, preferably) and advised against (preferably_not, do_not) at
-- once: two outcomes of one id must exclude each other.

local cjson = require "cjson"

local CLOSE = {
  ["advice:end_treatment"] = true, ["advice:max_sessions_reached"] = true,
  ["advice:aftercare_self_management"] = true, ["advice:aftercare_recovery_education"] = true,
  ["advice:aftercare_recurrence_education"] = true,
}
local GO_ON = {
  ["advice:adjust_profile_or_treatment"] = true, ["advice:repeat_risk_evaluation"] = true,
  ["schedule:reevaluate_3w"] = true, ["schedule:reevaluate_6w"] = true, ["schedule:reevaluate_12w"] = true,
  ["schedule:lrs_recheck"] = true, ["referral:reevaluation_profile_3"] = true,
}

-- Every `advice ID STRENGTH "SECTION" when treating ...` of the source: the
-- declaration runs from its first line to its first text line (nl/en "...").
local function treating_advice(path)
  local f = assert(io.open(path))
  local ids, decl, id = {}, nil, nil
  for line in f:lines() do
    local new_id = line:match('^advice%s+([%w_]+)%s+[%w_]+%s+"')
    if new_id then
      decl, id = line, new_id
    elseif decl and line:match('^%s+[%a][%a]%s+"') then
      if decl:match("when%s+treating[%s%)]") or decl:match("when%s+treating$") then ids["advice:" .. id] = true end
      decl = nil
    elseif decl then
      decl = decl .. " " .. line
    end
  end
  f:close()
  return ids
end

-- Whether the source declares one of the closing advice ids.
local function has_closing(path)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  for key in pairs(CLOSE) do
    if text:find("\nadvice%s+" .. key:gsub("^advice:", "") .. "%s") then return true end
  end
  return false
end

local RECOMMEND = { ["do"] = true, consider = true, preferably = true }
local AGAINST = { do_not = true, preferably_not = true }

local guideline = arg[1] or error("usage: lua5.4 exclusive_advice.lua GUIDELINE.gdl < results.jsonl")
local closes = has_closing(guideline)
local n_treating = 0
for k in pairs(treating_advice(guideline)) do GO_ON[k] = true; n_treating = n_treating + 1 end
if closes and n_treating < 20 then
  io.stderr:write(("exclusive_advice: only %d advice gated on 'treating' found in %s: did the source's layout change?\n")
                  :format(n_treating, guideline))
  os.exit(1)
end

local cases, closing, bad, both_ways = 0, 0, 0, 0
for line in io.lines() do
  local r = cjson.decode(line)
  cases = cases + 1
  if r.status == "ok" then
    local pro, con = {}, {}
    for _, a in ipairs(r.advice) do
      if RECOMMEND[a.strength] then pro[a.id] = true end
      if AGAINST[a.strength] then con[a.id] = true end
    end
    local ids = {}
    for id in pairs(pro) do if con[id] then ids[#ids + 1] = id end end
    if #ids > 0 then
      both_ways = both_ways + 1
      table.sort(ids)
      print(("%s: recommends and advises against %s"):format(tostring(r.case_id), table.concat(ids, ", ")))
    end
    local close, go_on = {}, {}
    for kind, list in pairs({ advice = r.advice, schedule = r.schedule, referral = r.referrals }) do
      for _, x in ipairs(list) do
        local key = kind .. ":" .. x.id
        if CLOSE[key] then close[#close + 1] = key end
        if GO_ON[key] then go_on[#go_on + 1] = key end
      end
    end
    if #close > 0 then closing = closing + 1 end
    if #close > 0 and #go_on > 0 then
      bad = bad + 1
      table.sort(close); table.sort(go_on)
      print(("%s: closes (%s) and goes on (%s)"):format(tostring(r.case_id), table.concat(close, ", "),
                                                        table.concat(go_on, ", ")))
    end
  end
end
if closes then
  print(("exclusive advice, %s: %d cases (%d closing the treatment), %d with both closing and going-on advice, %d recommending and advising against one id")
        :format(guideline, cases, closing, bad, both_ways))
else
  print(("exclusive advice, %s: %d cases (no closing advice in this guideline), %d recommending and advising against one id")
        :format(guideline, cases, both_ways))
end
os.exit(bad == 0 and both_ways == 0 and cases > 0 and (closing > 0 or not closes) and 0 or 1)
