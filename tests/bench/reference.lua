-- reference.lua - the decisions of guidelines/kngf-lbp-2021.gdl written by hand
-- in Lua 5.4 + lua-cjson, as the benchmark's yardstick (tests/bench/bench.mk).
--
--   lua5.4 reference.lua < cases.jsonl              one decision line per case
--   lua5.4 reference.lua --from-gdl < results.jsonl the same line from gdl's output
--
-- Decisions: scope and exclusions, red flags with their cluster and action, referrals,
-- phase, indication and profile, the re-evaluation schedule, and the main
-- advice (B.2 profile advice, the C.1-C.5 core interventions) with strengths.
-- Logic is Kleene's, as in GDL: a missing finding is nil (unknown), never
-- false. The --from-gdl side keeps only the outcome ids this file knows, so
-- outcomes added to the guideline later do not disturb the comparison; a
-- changed threshold or a new exclusion does, as it should.

local cjson = require "cjson"
local decode, null = cjson.decode, cjson.null

-- Thresholds (the guideline's params).
local SEVERE_PAIN, SEVERE_PARESIS_MRC, MAX_EXCLUDED_AGE = 8, 3, 16
local TUMOUR_AGE_LOW, TUMOUR_AGE_HIGH, FRACTURE_HIGH_AGE = 18, 55, 65
local MORNING_STIFFNESS_LIMIT, AXSPA_BACK_PAIN_YEARS = 30, 5
local PHASE_ACUTE_END, PHASE_SUBACUTE_END = 6, 12
local MAX_SESSIONS_PROFILE1, PROFILE2_MIN_FACTORS = 3, 2
local RED_FLAG_CLUSTER_MIN = 2
local PROFILE3_CONTACT_GP_AFTER, PROFILE3_REFER_AFTER, LRS_REFER_DURATION = 6, 12, 6

-- Kleene logic on true / false / nil.
local function AND(a, b)
  if a == false or b == false then return false end
  if a == nil or b == nil then return nil end
  return true
end

local function OR(a, b)
  if a == true or b == true then return true end
  if a == nil or b == nil then return nil end
  return false
end

local function NOT(a)
  if a == nil then return nil end
  return not a
end

local function ANY(c, keys, want)     -- any(c[k] == want for k in keys)
  local r = false
  for i = 1, #keys do
    local v = c[keys[i]]
    if v == want then return true end
    if v == nil then r = nil end
  end
  return r
end

local function AT_LEAST(n, values, count)   -- Kleene: decided once the known values suffice
  local yes, open = 0, 0
  for i = 1, count do   -- count, not #values: an unknown value is a hole in the table
    if values[i] == true then yes = yes + 1 elseif values[i] == nil then open = open + 1 end
  end
  if yes >= n then return true end
  if yes + open < n then return false end
  return nil
end

local function COALESCE(a, b)
  if a ~= nil then return a end
  return b
end

-- Comparisons: unknown in, unknown out.
local function lt(x, y) if x ~= nil then return x < y end end
local function le(x, y) if x ~= nil then return x <= y end end
local function gt(x, y) if x ~= nil then return x > y end end
local function ge(x, y) if x ~= nil then return x >= y end end
local function eq(x, y) if x ~= nil then return x == y end end
local function ne(x, y) if x ~= nil then return x ~= y end end
local function among(x, set) if x ~= nil then return set[x] == true end end

-- ---------------------------------------------------------------------------
-- The guideline
-- ---------------------------------------------------------------------------

local function lrs(c) return c.lrs_suspected end

local function severe_lrs(c)
  return AND(lrs(c), OR(le(c.mrc_min, SEVERE_PARESIS_MRC), ge(c.nprs, SEVERE_PAIN)))
end

-- Whole weeks from one "YYYY-MM-DD" date to another (unknown if either is).
local function days(s)
  local y, m, d = s:match("^(%d+)-(%d+)-(%d+)$")
  return os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }) // 86400
end
local function weeks_between(a, b)
  if a == nil or b == nil then return nil end
  local n = days(b) - days(a)
  return n >= 0 and n // 7 or -((-n) // 7)
end

-- B.1.3, in the guideline's order: id, cluster, condition. A neurological
-- emergency is urgent and refers; every other feature is to assess.
local RED_FLAGS = {
  { "cauda_equina", "neurological_emergency", function(c)
      return OR(OR(OR(c.urinary_retention, c.urinary_incontinence), OR(c.faecal_incontinence, c.saddle_anaesthesia)),
                OR(c.progressive_weakness, c.bilateral_root_signs)) end },
  { "progressive_neuro_deficit", "neurological_emergency", function(c)
      return AND(c.neuro_deficit_within_48h, le(c.mrc_min, SEVERE_PARESIS_MRC)) end },
  { "widespread_neuro_signs", "neurological_emergency", function(c) return c.widespread_neuro_signs end },
  { "fracture_high_energy_trauma", "fracture", function(c)
      local t = c.trauma
      return AND(c.severe_back_pain, t and t == "high_energy") end },
  { "fracture_risk_minor_trauma", "fracture", function(c)
      local t = c.trauma
      local risk = OR(OR(OR(c.osteoporosis, c.long_term_corticosteroids), ge(c.age_years, FRACTURE_HIGH_AGE)),
                      OR(c.history_of_cancer, c.axial_spondyloarthritis))
      return AND(AND(c.severe_back_pain, t and (t == "none" or t == "minor")), risk) end },
  { "night_sweats", "infection", function(c) return c.night_sweats end },
  { "fever_chills", "infection", function(c) return c.fever_chills end },
  { "iv_drug_use", "infection", function(c) return c.iv_drug_use end },
  { "immunodeficiency", "infection", function(c) return c.immunodeficiency end },
  { "infection_weight_loss", "infection", function(c) return c.unexplained_weight_loss end },
  { "systemic_infection_risk", "infection", function(c) return c.infection_risk end },
  { "recent_surgery", "infection", function(c) return c.recent_surgery end },
  { "urinary_or_skin_infection", "infection", function(c) return c.urinary_or_skin_infection end },
  { "tumour_age_recent_onset", "tumour", function(c)
      return AND(c.recent_onset, OR(lt(c.age_years, TUMOUR_AGE_LOW), gt(c.age_years, TUMOUR_AGE_HIGH))) end },
  { "history_of_cancer", "tumour", function(c) return c.history_of_cancer end },
  { "tumour_weight_loss", "tumour", function(c) return c.unexplained_weight_loss end },
  { "fatigue", "tumour", function(c) return c.fatigue end },
  { "night_pain_and_sweats", "tumour", function(c) return AND(c.severe_night_pain, c.night_sweats) end },
  { "non_mechanical_pain", "inflammatory", function(c) return c.non_mechanical_pain end },
  { "responds_to_nsaids", "inflammatory", function(c) return c.responds_to_nsaids end },
  { "better_with_exercise_not_rest", "inflammatory", function(c) return c.better_with_exercise_not_rest end },
  { "family_history", "inflammatory", function(c) return c.family_history end },
  { "severe_night_pain", "inflammatory", function(c) return c.severe_night_pain end },
  { "morning_stiffness_night_waking", "inflammatory", function(c)
      return OR(gt(c.morning_stiffness_minutes, MORNING_STIFFNESS_LIMIT), c.night_waking) end },
  { "long_standing_back_pain", "inflammatory", function(c)
      return gt(c.back_pain_years, AXSPA_BACK_PAIN_YEARS) end },
  { "increasing_postoperative_pain", "miscellaneous", function(c) return c.increasing_postoperative_pain end },
  { "unilateral_pyramidal_signs", "miscellaneous", function(c) return c.unilateral_pyramidal_signs end },
}

local FLAG = {}
for _, rf in ipairs(RED_FLAGS) do FLAG[rf[1]] = rf end
local function flag(c, id) return FLAG[id][3](c) end
local function cluster(c, ids)
  local v = {}
  for i, id in ipairs(ids) do v[i] = flag(c, id) end
  return AT_LEAST(RED_FLAG_CLUSTER_MIN, v, #ids)
end

local function neurological_emergency(c)
  return OR(OR(flag(c, "cauda_equina"), flag(c, "progressive_neuro_deficit")), flag(c, "widespread_neuro_signs"))
end

-- The suspicion: the therapist's judgement, else two features of one cluster,
-- a fracture feature, or night pain with night sweats.
local function suspicion(c)
  local combination = OR(OR(OR(flag(c, "fracture_high_energy_trauma"), flag(c, "fracture_risk_minor_trauma")),
                            flag(c, "night_pain_and_sweats")),
    OR(OR(cluster(c, { "night_sweats", "fever_chills", "iv_drug_use", "immunodeficiency", "infection_weight_loss",
                       "systemic_infection_risk", "recent_surgery", "urinary_or_skin_infection" }),
          cluster(c, { "tumour_age_recent_onset", "history_of_cancer", "tumour_weight_loss", "fatigue",
                       "night_pain_and_sweats" })),
       OR(cluster(c, { "non_mechanical_pain", "responds_to_nsaids", "better_with_exercise_not_rest", "family_history",
                       "severe_night_pain", "morning_stiffness_night_waking", "long_standing_back_pain" }),
          cluster(c, { "increasing_postoperative_pain", "unilateral_pyramidal_signs" }))))
  return COALESCE(c.serious_pathology_suspected, combination)
end

local function severe_motor_loss(c)
  return AND(le(c.mrc_min, SEVERE_PARESIS_MRC), OR(c.mrc_min ~= nil, lrs(c)))
end

-- A.1.
local EXCLUSIONS = {
  { "serious_pathology_suspected", suspicion },
  { "neurological_emergency", neurological_emergency },
  { "severe_motor_loss", severe_motor_loss },
  { "lrs_severe", severe_lrs },
  { "young_age", function(c) return le(c.age_years, MAX_EXCLUDED_AGE) end },
  { "pregnancy_related", function(c) return c.pregnancy_related end },
  { "coccygodynia", function(c) return c.coccygodynia end },
  { "visceral_origin", function(c) return c.visceral_origin end },
  { "post_surgery", function(c) return AND(c.back_surgery_last_12_months, c.complaints_related_to_surgery) end },
}

local REFERRALS = {
  { "lrs_severe", "refer_gp", severe_lrs },
  { "lrs_medication_doubt", "refer_gp", function(c) return AND(lrs(c), c.medication_dose_doubt) end },
  { "gut_feeling", "contact_gp", function(c) return c.gut_feeling end },
  { "serious_pathology_suspected", "refer_gp", suspicion },
  { "severe_motor_loss", "refer_gp", function(c)
      return AND(AND(c.mrc_min ~= nil, le(c.mrc_min, SEVERE_PARESIS_MRC)), NOT(COALESCE(lrs(c), false))) end },
}

local PROGNOSTIC_FACTORS = {
  "pf_previous_episodes", "pf_activity_limitation", "pf_leg_pain", "pf_pain_intensity",
  "pf_poor_health", "pf_stress", "pf_fear_of_movement", "pf_depressive_feelings",
  "pf_passive_coping", "pf_catastrophising", "pf_physical_work_load",
  "pf_colleague_relations", "pf_job_dissatisfaction",
}

-- classify: rows in order; false goes on, unknown stops (nil), true decides.
local function phase(c)
  local w = c.symptom_duration_weeks
  if w == nil then return nil end
  if w <= PHASE_ACUTE_END then return "acute" end
  if w <= PHASE_SUBACUTE_END then return "subacute" end
  return "chronic"
end

local function profile(c)
  if c.treatment_profile ~= nil then return c.treatment_profile end
  local dominant = ANY(c, PROGNOSTIC_FACTORS, "dominant")
  if dominant then return 3 elseif dominant == nil then return nil end
  local present = {}
  for i, k in ipairs(PROGNOSTIC_FACTORS) do present[i] = eq(c[k], "present") end
  local some = AT_LEAST(PROFILE2_MIN_FACTORS, present, #PROGNOSTIC_FACTORS)
  if some then return 2 elseif some == nil then return nil end
  return 1
end

-- When the treatment advice applies (the guideline's gates). `COALESCE(x, false)`
-- reads "x is known to be true"; the gates themselves are never unknown.
local function gates(c, p, in_scope)
  local g = {}
  -- B.2 indication (a classification: unknown when its row is). Medication
  -- doubt is a referral for the medication, not a reason against therapy.
  local no_indication = OR(OR(eq(in_scope, false), c.gut_feeling), eq(c.help_question_movement, false))
  local not_indicated = OR(no_indication, COALESCE(eq(c.therapist_competent_for_patient, false), false))
  if not_indicated ~= nil then g.indication = not_indicated and "not_indicated" or "indicated" end
  g.therapy_open = not (g.indication == "not_indicated")
  g.past_intake = COALESCE(ne(c.contact, "intake"), true)
  local weeks = weeks_between(c.first_contact_on, c.assessed_on)
  -- B.2: where an evaluation ends the treatment (by a referral).
  g.p12_refer = AND(AND(AND(g.past_intake, among(p, { [1] = true, [2] = true })), c.insufficient_improvement),
                    AND(eq(c.new_insights_from_reevaluation, false), eq(c.adjustment_sufficient, false)))
  g.p3_insufficient = AND(AND(g.past_intake, eq(p, 3)), c.insufficient_improvement)
  g.p3_refer = AND(g.p3_insufficient, ge(weeks, PROFILE3_REFER_AFTER))
  g.p3_contact = AND(AND(g.p3_insufficient, ge(weeks, PROFILE3_CONTACT_GP_AFTER)), lt(weeks, PROFILE3_REFER_AFTER))
  g.lrs_refer = AND(AND(lrs(c), ge(c.symptom_duration_weeks, LRS_REFER_DURATION)), c.insufficient_improvement)
  local evaluation_ends = AND(g.past_intake, OR(OR(g.p12_refer, g.p3_refer), g.lrs_refer))
  local red_flag_referral = OR(neurological_emergency(c), suspicion(c))
  -- C.5 stop criteria and the end of the treatment.
  local stop = OR(OR(OR(c.help_question_met, c.goals_achieved), OR(evaluation_ends, c.self_management_sufficient)),
                  OR(OR(c.not_motivated, red_flag_referral), OR(c.gut_feeling, c.wants_to_stop)))
  g.stop_criterion_met = stop
  g.reevaluation_due = OR(c.insufficient_improvement, eq(c.recovery_course, "delayed"))
  g.cap = AND(AND(AND(g.past_intake, eq(p, 1)), ge(c.sessions_done, MAX_SESSIONS_PROFILE1)), NOT(g.reevaluation_due))
  g.treatment_ending = OR(OR(eq(c.contact, "discharge"), AND(g.past_intake, stop)), g.cap)
  g.treating = AND(g.therapy_open, not COALESCE(g.treatment_ending, false))
  return g
end

local P12, P23 = { [1] = true, [2] = true }, { [2] = true, [3] = true }
local PRESENT_OR_DOMINANT = { present = true, dominant = true }

-- Schedules: id, weeks (or days), condition on the case, profile and gates.
local SCHEDULES = {
  { "lrs_recheck", "3d", function(c, _, g)
      return AND(AND(lrs(c), eq(c.contact, "intake")), AND(g.treating, NOT(COALESCE(c.medication_dose_doubt, false)))) end },
  { "reevaluate_3w", "3w", function(_, p, g) return AND(g.treating, among(p, P12)) end },
  { "reevaluate_6w", "6w", function(_, p, g) return AND(g.treating, among(p, P23)) end },
  { "reevaluate_12w", "12w", function(_, p, g) return AND(g.treating, eq(p, 3)) end },
}

local function psychosocial_factor_dominant(c)
  return OR(OR(eq(c.pf_stress, "dominant"), eq(c.pf_fear_of_movement, "dominant")),
            OR(OR(eq(c.pf_depressive_feelings, "dominant"), eq(c.pf_passive_coping, "dominant")),
               eq(c.pf_catastrophising, "dominant")))
end

local function massage_not_allowed(c, p)
  local without_competence = AND(eq(c.therapist_discipline, "exercise_therapist"),
                                 eq(c.therapist_extra_competence, false))
  return OR(OR(OR(eq(p, 1), lrs(c)), OR(c.dependent_on_therapist, eq(c.open_to_active_approach, false))),
            without_competence)
end

-- Advice: id, strength, condition on the case, profile and gates. An id may
-- come with more than one strength (exercise_therapy).
local ADVICE = {
  { "claudication_alert", "consider", function(c) return c.symptoms_only_standing_walking end },
  { "max_sessions", "do", function(_, p, g) return AND(g.treating, eq(p, 1)) end },
  { "max_sessions_reached", "do", function(_, _, g) return AND(g.therapy_open, g.cap) end },
  { "less_intensive_support", "consider", function(_, p, g) return AND(g.treating, eq(p, 1)) end },
  { "more_intensive_support", "consider", function(_, p, g) return AND(g.treating, among(p, P23)) end },
  { "repeat_risk_evaluation", "do", function(_, _, g)
      return AND(AND(g.treating, g.past_intake), g.reevaluation_due) end },
  { "adjust_profile_or_treatment", "consider", function(c, p, g)
      return AND(AND(AND(g.treating, g.past_intake), AND(among(p, { [1] = true, [2] = true }), c.insufficient_improvement)),
                 NOT(COALESCE(g.p12_refer, false))) end },
  { "lrs_safety_net", "do", function(c) return lrs(c) end },
  { "education", "do", function(_, _, g) return g.therapy_open end },
  { "pain_education", "consider", function(_, p, g) return AND(g.treating, eq(p, 3)) end },
  { "stay_active", "do", function(c, _, g) return AND(g.treating, lrs(c)) end },
  { "self_exercise_instruction", "consider", function(c, p, g)
      return AND(AND(g.treating, eq(p, 1)), NOT(lrs(c))) end },
  { "exercise_therapy", "do", function(c, p, g) return AND(AND(g.treating, among(p, P23)), NOT(lrs(c))) end },
  { "exercise_therapy", "consider", function(c, _, g)
      return AND(AND(g.treating, lrs(c)), c.help_question_movement) end },
  { "graded_activity", "consider", function(c, _, g)
      local passive_coping = OR(among(c.pf_passive_coping, PRESENT_OR_DOMINANT),
                                AND(among(c.pf_catastrophising, PRESENT_OR_DOMINANT), c.helplessness))
      return AND(AND(g.treating, psychosocial_factor_dominant(c)), passive_coping) end },
  { "massage", "do_not", function(c, p, g) return AND(g.treating, massage_not_allowed(c, p)) end },
  { "tens", "do_not", function(_, _, g) return g.treating end },
  { "interferential", "do_not", function(_, _, g) return g.treating end },
  { "end_treatment", "do", function(_, _, g) return AND(g.past_intake, g.stop_criterion_met) end },
  { "report_to_gp", "do", function(c, _, g)
      return AND(g.therapy_open, OR(eq(c.contact, "intake"), g.treatment_ending)) end },
}

-- ---------------------------------------------------------------------------
-- One decision line: fields separated by '|', items sorted, '?' = unknown.
-- ---------------------------------------------------------------------------

local concat, sort = table.concat, table.sort

local function tri(v)
  if v == nil then return "?" end
  return v and "T" or "F"
end

local function list(items)
  sort(items)
  return concat(items, ",")
end

local function format_line(d)
  return concat({ d.case_id, "scope=" .. tri(d.in_scope), "excl=" .. list(d.exclusions),
                  "rf=" .. list(d.red_flags), "ref=" .. list(d.referrals),
                  "phase=" .. (d.phase or "?"), "indication=" .. (d.indication or "?"), "profile=" .. (d.profile and ("%d"):format(d.profile) or "?"),
                  "sched=" .. list(d.schedule), "advice=" .. list(d.advice) }, "|")
end

-- B.2 re-evaluation referrals (they need the profile and the gates).
local REEVALUATION_REFERRALS = {
  { "reevaluation_profile_1_2", "refer_gp", function(_, g) return AND(g.therapy_open, g.p12_refer) end },
  { "reevaluation_profile_3", "contact_gp", function(_, g)
      return AND(AND(g.treating, g.p3_contact), NOT(COALESCE(g.lrs_refer, false))) end },
  { "reevaluation_profile_3_12w", "refer_gp", function(_, g) return AND(g.therapy_open, g.p3_refer) end },
  { "lrs_no_improvement", "refer_gp", function(c, g)
      return AND(AND(g.therapy_open, g.lrs_refer), NOT(COALESCE(eq(c.referral_route, "medical_specialist"), false))) end },
  { "lrs_no_improvement_specialist", "refer_back_specialist", function(c, g)
      return AND(AND(g.therapy_open, g.lrs_refer), eq(c.referral_route, "medical_specialist")) end },
}

local function decide(c)
  for k, v in pairs(c) do              -- null is unknown, like absent
    if v == null then c[k] = nil end
  end
  local d = { case_id = c.case_id, exclusions = {}, red_flags = {}, referrals = {}, schedule = {}, advice = {} }
  for _, rf in ipairs(RED_FLAGS) do
    if rf[3](c) then
      local action = rf[2] == "neurological_emergency" and "refer_gp" or "assess"
      d.red_flags[#d.red_flags + 1] = rf[1] .. ":" .. rf[2] .. ":" .. action
    end
  end
  local excluded = false
  for _, ex in ipairs(EXCLUSIONS) do
    local v = ex[2](c)
    if v then d.exclusions[#d.exclusions + 1] = ex[1] end
    excluded = OR(excluded, v)
  end
  if excluded ~= nil then d.in_scope = not excluded end
  for _, r in ipairs(REFERRALS) do
    if r[3](c) then d.referrals[#d.referrals + 1] = r[1] .. ":" .. r[2] end
  end
  d.phase = phase(c)
  local p = profile(c)
  d.profile = p
  local g = gates(c, p, d.in_scope)
  d.indication = g.indication
  for _, r in ipairs(REEVALUATION_REFERRALS) do
    if r[3](c, g) then d.referrals[#d.referrals + 1] = r[1] .. ":" .. r[2] end
  end
  for _, s in ipairs(SCHEDULES) do
    if s[3](c, p, g) then d.schedule[#d.schedule + 1] = s[1] .. ":" .. s[2] end
  end
  for _, a in ipairs(ADVICE) do
    if a[3](c, p, g) then d.advice[#d.advice + 1] = a[1] .. ":" .. a[2] end
  end
  return d
end

-- The same record from one line of `gdl run --batch` output, keeping only
-- the outcome ids above.
local function known_ids(rows, with_strength)
  local set = {}
  for _, r in ipairs(rows) do set[with_strength and r[1] .. ":" .. r[2] or r[1]] = true end
  return set
end

local KNOWN = {
  exclusions = known_ids(EXCLUSIONS), red_flags = known_ids(RED_FLAGS), referrals = known_ids(REFERRALS),
  schedule = known_ids(SCHEDULES), advice = known_ids(ADVICE, true),
}
for _, r in ipairs(REEVALUATION_REFERRALS) do KNOWN.referrals[r[1]] = true end

local function from_gdl(r)
  if r.status ~= "ok" then
    return { case_id = tostring(r.case_id) .. " status=" .. tostring(r.status), exclusions = {}, red_flags = {},
             referrals = {}, schedule = {}, advice = {} }
  end
  local d = { case_id = r.case_id, exclusions = {}, red_flags = {}, referrals = {}, schedule = {}, advice = {} }
  if r.in_scope ~= null then d.in_scope = r.in_scope end
  for _, x in ipairs(r.exclusions) do
    if KNOWN.exclusions[x.id] then d.exclusions[#d.exclusions + 1] = x.id end
  end
  for _, x in ipairs(r.red_flags) do
    if KNOWN.red_flags[x.id] then d.red_flags[#d.red_flags + 1] = x.id .. ":" .. x.cluster .. ":" .. x.action end
  end
  for _, x in ipairs(r.referrals) do
    if KNOWN.referrals[x.id] then d.referrals[#d.referrals + 1] = x.id .. ":" .. x.action end
  end
  for _, x in ipairs(r.schedule) do
    if KNOWN.schedule[x.id] then
      local n = x.after_weeks ~= nil and x.after_weeks ~= null and ("%dw"):format(x.after_weeks)
                or ("%dd"):format(x.after_days)
      d.schedule[#d.schedule + 1] = x.id .. ":" .. n
    end
  end
  for _, x in ipairs(r.advice) do
    local key = x.id .. ":" .. x.strength
    if KNOWN.advice[key] then d.advice[#d.advice + 1] = key end
  end
  local cl = r.classifications or {}
  local ph, ind, pr = cl.phase, cl.indication, cl.profile
  if ph and ph.value ~= null then d.phase = ph.value end
  if ind and ind.value ~= null then d.indication = ind.value end
  if pr and pr.value ~= null then d.profile = pr.value end
  return d
end

-- ---------------------------------------------------------------------------

local convert = decide
if arg[1] == "--from-gdl" then
  convert = from_gdl
elseif arg[1] then
  io.stderr:write("usage: lua5.4 reference.lua [--from-gdl] < input.jsonl\n")
  os.exit(2)
end

local write = io.write
for line in io.lines() do
  write(format_line(convert(decode(line))), "\n")
end
