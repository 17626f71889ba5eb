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

local guideline = arg[1] or error("usage: lua5.4 exclusive_advice.lua GUIDELINE.gdl < results.jsonl")
local n_treating = 0
for k in pairs(treating_advice(guideline)) do GO_ON[k] = true; n_treating = n_treating + 1 end
if n_treating < 20 then
  io.stderr:write(("exclusive_advice: only %d advice gated on 'treating' found in %s: did the source's layout change?\n")
                  :format(n_treating, guideline))
  os.exit(1)
end

local cases, closing, bad = 0, 0, 0
for line in io.lines() do
  local r = cjson.decode(line)
  cases = cases + 1
  if r.status == "ok" then
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
print(("exclusive advice: %d cases (%d closing the treatment), %d with both closing and going-on advice")
      :format(cases, closing, bad))
os.exit(bad == 0 and cases > 0 and closing > 0 and 0 or 1)
