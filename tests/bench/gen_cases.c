/* gen_cases.c - deterministic generator of realistic low-back-pain case files
 * (JSON Lines) for the benchmark: `gen_cases N [SEED] > cases.jsonl`.
 * Every case is valid for shared/spec/case-vocabulary.md (all values in range,
 * no unknown field names); what it leaves to chance is the clinical mix:
 * most cases in scope, a few red flags, ~20% LRS, some findings unrecorded
 * (absent or null), about 60 fields and 2 KB per case. Same N and SEED, same
 * bytes, on every platform: the generator is splitmix64 and integer-only
 * where it matters (numbers are printed from integers, never from floats). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    GEN_DEFAULT_SEED = 20211201,    /* the guideline's publication date */
    GEN_LINE_MAX = 8192,            /* one case; the largest generated is ~3 KB */
};

/* ---- random numbers ---------------------------------------------------- */

typedef struct {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi], both inclusive. */
static int rng_int(Rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static bool rng_chance(Rng *r, int per_mille)
{
    return (int)(rng_next(r) % 1000) < per_mille;
}

/* Roughly normal (sum of four uniforms), clamped to [lo, hi]. */
static int rng_bell(Rng *r, int mean, int spread, int lo, int hi)
{
    int s = 0;
    for (int i = 0; i < 4; i++)
        s += rng_int(r, -spread, spread);
    int v = mean + s / 2;
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- one case as a JSON object ---------------------------------------- */

typedef struct {
    char buf[GEN_LINE_MAX];
    size_t len;
    int fields;
    Rng *rng;
    int absent_per_mille;   /* chance that an optional finding is left out */
    int null_per_mille;     /* chance that it is written as null */
} Case;

#if defined(__GNUC__)
static void put(Case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif

static void put(Case *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->buf + c->len, sizeof c->buf - c->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof c->buf - c->len) {
        fprintf(stderr, "gen_cases: case longer than %d bytes\n", GEN_LINE_MAX);
        exit(3);
    }
    c->len += (size_t)n;
}

/* Opens a member; false when the finding is left out (then nothing is
 * written). A null member is written here and also returns false. */
static bool key(Case *c, const char *name, bool optional)
{
    if (optional && c->absent_per_mille && rng_chance(c->rng, c->absent_per_mille))
        return false;
    put(c, "%s\"%s\": ", c->fields ? ", " : "", name);
    c->fields++;
    if (optional && c->null_per_mille && rng_chance(c->rng, c->null_per_mille)) {
        put(c, "null");
        return false;
    }
    return true;
}

static void f_bool(Case *c, const char *name, bool v)
{
    if (key(c, name, true))
        put(c, "%s", v ? "true" : "false");
}

static void f_int(Case *c, const char *name, int v)
{
    if (key(c, name, true))
        put(c, "%d", v);
}

/* A number with one decimal, given in tenths: 15 -> 1.5, 20 -> 2. */
static void f_tenths(Case *c, const char *name, int tenths)
{
    if (key(c, name, true)) {
        if (tenths % 10)
            put(c, "%d.%d", tenths / 10, tenths % 10);
        else
            put(c, "%d", tenths / 10);
    }
}

static void f_str(Case *c, const char *name, const char *v)
{
    if (key(c, name, true))
        put(c, "\"%s\"", v);
}

static void f_date(Case *c, const char *name, int y, int m, int d)
{
    if (key(c, name, true))
        put(c, "\"%04d-%02d-%02d\"", y, m, d);
}

/* ---- dates ------------------------------------------------------------- */

/* Days since 1970-01-01 and back (Howard Hinnant's civil algorithms). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void f_day(Case *c, const char *name, int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    f_date(c, name, y, m, d);
}

/* ---- the clinical mix ---------------------------------------------------- */

static const char *const PF_NAMES[] = {
    "pf_previous_episodes", "pf_activity_limitation", "pf_leg_pain", "pf_pain_intensity",
    "pf_poor_health", "pf_stress", "pf_fear_of_movement", "pf_depressive_feelings",
    "pf_passive_coping", "pf_catastrophising", "pf_physical_work_load",
    "pf_colleague_relations", "pf_job_dissatisfaction",
};
enum { NPF = sizeof PF_NAMES / sizeof PF_NAMES[0] };

/* Red-flag findings a case may carry (bool fields of B.1.3 that flag alone
 * or with a companion this generator sets too). */
typedef enum {
    RF_URINARY_RETENTION, RF_URINARY_INCONTINENCE, RF_FAECAL_INCONTINENCE, RF_SADDLE,
    RF_PROGRESSIVE_WEAKNESS, RF_BILATERAL_ROOTS, RF_NEURO_48H, RF_WIDESPREAD, RF_PYRAMIDAL,
    RF_FRACTURE, RF_NIGHT_SWEATS, RF_FEVER, RF_IV_DRUGS, RF_IMMUNODEFICIENCY, RF_INFECTION_RISK,
    RF_RECENT_SURGERY, RF_URINARY_SKIN_INFECTION, RF_WEIGHT_LOSS, RF_CANCER, RF_FATIGUE,
    RF_SEVERE_NIGHT_PAIN, RF_NON_MECHANICAL, RF_NSAIDS, RF_BETTER_WITH_EXERCISE, RF_FAMILY,
    RF_MORNING_STIFFNESS, RF_NIGHT_WAKING, RF_LONG_STANDING, RF_POSTOPERATIVE,
    RF_COUNT
} RedFlag;

static void gen_case(Rng *rng, long index, Case *c)
{
    c->len = 0;
    c->fields = 0;
    c->rng = rng;
    /* 85% of records have a complete screening; the rest leave ~10% of the
     * optional findings out and write ~3% as null. */
    bool partial = rng_chance(rng, 150);
    c->absent_per_mille = 0;
    c->null_per_mille = 0;

    bool red[RF_COUNT] = { false };
    if (rng_chance(rng, 70)) {              /* 7%: one red-flag finding, sometimes two */
        red[rng_int(rng, 0, RF_COUNT - 1)] = true;
        if (rng_chance(rng, 150))
            red[rng_int(rng, 0, RF_COUNT - 1)] = true;
    }

    /* Case and context (case_id is required: never left out). */
    put(c, "{");
    if (key(c, "case_id", false))
        put(c, "\"bench-%07ld\"", index);
    if (partial) {
        c->absent_per_mille = 100;
        c->null_per_mille = 30;
    }
    bool intake = rng_chance(rng, 650);
    int64_t first = days_from_civil(2024, 1, 1) + rng_int(rng, 0, 3 * 365);
    int64_t assessed = intake ? first : first + rng_int(rng, 7, 120);
    f_day(c, "assessed_on", assessed);
    f_day(c, "first_contact_on", first);
    bool discharge = !intake && rng_chance(rng, 250);
    f_str(c, "contact", intake ? "intake" : discharge ? "discharge" : "interim");
    static const char *const ROUTES[] = { "direct_access", "direct_access", "gp", "medical_specialist" };
    if (rng_chance(rng, 700))
        f_str(c, "referral_route", ROUTES[rng_int(rng, 0, 3)]);
    if (rng_chance(rng, 600)) {
        bool physio = rng_chance(rng, 800);
        f_str(c, "therapist_discipline", physio ? "physiotherapist" : "exercise_therapist");
        if (!physio)
            f_bool(c, "therapist_extra_competence", rng_chance(rng, 500));
    }
    if (!intake)
        f_int(c, "sessions_done", rng_int(rng, 1, 18));
    f_bool(c, "help_question_movement", rng_chance(rng, 930));

    /* Scope. Ages: a few young patients (<= 16 is out of scope). */
    int age = rng_chance(rng, 15) ? rng_int(rng, 12, 17) : rng_bell(rng, 46, 22, 18, 92);
    bool female = rng_chance(rng, 550);
    f_int(c, "age_years", age);
    f_str(c, "sex", female ? "female" : rng_chance(rng, 990) ? "male" : "other");
    f_bool(c, "pregnancy_related", female && age < 45 && rng_chance(rng, 40));
    f_bool(c, "coccygodynia", rng_chance(rng, 10));
    f_bool(c, "visceral_origin", rng_chance(rng, 5));
    bool surgery = rng_chance(rng, 30);
    f_bool(c, "back_surgery_last_12_months", surgery);
    if (surgery)
        f_bool(c, "complaints_related_to_surgery", rng_chance(rng, 500));
    bool recurrent = rng_chance(rng, 450);
    f_str(c, "episode", recurrent ? "recurrent" : "first");
    int weeks10;        /* symptom duration in tenths of a week */
    int phase = rng_int(rng, 0, 99);
    if (phase < 45)
        weeks10 = rng_int(rng, 1, 60);          /* acute */
    else if (phase < 70)
        weeks10 = rng_int(rng, 61, 120);        /* subacute */
    else
        weeks10 = rng_int(rng, 121, 1560);      /* chronic, up to 3 years */
    if (weeks10 > 20)
        weeks10 -= weeks10 % 5;                 /* clinicians round to half weeks */
    f_tenths(c, "symptom_duration_weeks", weeks10);

    /* Pain and LRS (~20%). */
    bool lrs = rng_chance(rng, 200);
    int nprs = lrs ? rng_bell(rng, 5, 3, 1, 10) : rng_bell(rng, 5, 4, 0, 10);
    f_int(c, "nprs", nprs);
    if (!intake)
        f_int(c, "nprs_baseline", nprs + rng_int(rng, 0, 10 - nprs));
    if (rng_chance(rng, 500))
        f_str(c, "pain_pattern", rng_chance(rng, 400) ? "continuous" : "intermittent");
    static const char *const RAD[] = { "none", "none", "buttock", "above_knee" };
    f_str(c, "radiation", lrs ? "below_knee" : RAD[rng_int(rng, 0, 3)]);
    f_bool(c, "symptoms_only_standing_walking", rng_chance(rng, 25));
    f_bool(c, "lrs_suspected", lrs);
    if (lrs) {
        f_str(c, "radiation_side", rng_chance(rng, 930) ? "unilateral" : "bilateral");
        f_bool(c, "leg_pain_worse_than_back", rng_chance(rng, 700));
        f_bool(c, "dermatomal_pain", rng_chance(rng, 600));
        f_int(c, "finger_floor_distance_cm", rng_int(rng, 5, 60));
        f_str(c, "lasegue", rng_chance(rng, 600) ? "positive" : "negative");
        int mrc = rng_chance(rng, 80) ? rng_int(rng, 1, 3) : rng_int(rng, 4, 5);
        if (!rng_chance(rng, 80))              /* 8% of LRS examinations skip the MRC score */
            f_int(c, "mrc_min", mrc);
        f_bool(c, "sensory_deficit", rng_chance(rng, 350));
        f_bool(c, "reflexes_reduced", rng_chance(rng, 300));
        f_bool(c, "medication_dose_doubt", rng_chance(rng, 100));
    }

    /* Red-flag screening (B.1.3), in the vocabulary's order. */
    f_bool(c, "urinary_retention", red[RF_URINARY_RETENTION]);
    f_bool(c, "urinary_incontinence", red[RF_URINARY_INCONTINENCE]);
    f_bool(c, "faecal_incontinence", red[RF_FAECAL_INCONTINENCE]);
    f_bool(c, "saddle_anaesthesia", red[RF_SADDLE]);
    f_bool(c, "progressive_weakness", red[RF_PROGRESSIVE_WEAKNESS]);
    f_bool(c, "bilateral_root_signs", red[RF_BILATERAL_ROOTS]);
    f_bool(c, "neuro_deficit_within_48h", red[RF_NEURO_48H]);
    if (red[RF_NEURO_48H] && !lrs) {            /* the findings that make it a flag */
        f_int(c, "mrc_min", rng_int(rng, 1, 3));
        f_bool(c, "sensory_deficit", true);
    }
    f_bool(c, "widespread_neuro_signs", red[RF_WIDESPREAD]);
    f_bool(c, "unilateral_pyramidal_signs", red[RF_PYRAMIDAL]);
    bool severe = red[RF_FRACTURE] || rng_chance(rng, 30);
    f_bool(c, "severe_back_pain", severe);
    /* Trauma and fracture risk are asked after severe pain, and by some
     * therapists always. */
    if (severe || rng_chance(rng, 300)) {
        static const char *const TRAUMA[] = { "none", "none", "none", "minor", "high_energy" };
        f_str(c, "trauma", red[RF_FRACTURE] ? TRAUMA[rng_int(rng, 3, 4)] : TRAUMA[rng_int(rng, 0, 3)]);
        f_bool(c, "osteoporosis", red[RF_FRACTURE] ? rng_chance(rng, 500) : rng_chance(rng, 20));
        f_bool(c, "long_term_corticosteroids", rng_chance(rng, 20));
        f_bool(c, "axial_spondyloarthritis", rng_chance(rng, 10));
    }
    f_bool(c, "history_of_cancer", red[RF_CANCER]);
    f_bool(c, "night_sweats", red[RF_NIGHT_SWEATS]);
    f_bool(c, "fever_chills", red[RF_FEVER]);
    f_bool(c, "iv_drug_use", red[RF_IV_DRUGS]);
    f_bool(c, "immunodeficiency", red[RF_IMMUNODEFICIENCY]);
    f_bool(c, "infection_risk", red[RF_INFECTION_RISK]);
    f_bool(c, "recent_surgery", red[RF_RECENT_SURGERY]);
    f_bool(c, "urinary_or_skin_infection", red[RF_URINARY_SKIN_INFECTION]);
    f_bool(c, "unexplained_weight_loss", red[RF_WEIGHT_LOSS]);
    f_bool(c, "fatigue", red[RF_FATIGUE]);
    f_bool(c, "severe_night_pain", red[RF_SEVERE_NIGHT_PAIN]);
    /* Recent onset is common in acute pain; past 55 it is a tumour flag. */
    f_bool(c, "recent_onset", weeks10 <= 60 ? rng_chance(rng, 350) : rng_chance(rng, 30));
    f_bool(c, "non_mechanical_pain", red[RF_NON_MECHANICAL]);
    f_bool(c, "responds_to_nsaids", red[RF_NSAIDS]);
    f_bool(c, "better_with_exercise_not_rest", red[RF_BETTER_WITH_EXERCISE]);
    f_bool(c, "family_history", red[RF_FAMILY]);
    f_int(c, "morning_stiffness_minutes", red[RF_MORNING_STIFFNESS] ? rng_int(rng, 31, 180) : 5 * rng_int(rng, 0, 6));
    f_bool(c, "night_waking", red[RF_NIGHT_WAKING]);
    int years = weeks10 / 520;
    if (recurrent)
        years += rng_int(rng, 0, 5 - (years < 5 ? years : 5));
    f_int(c, "back_pain_years", red[RF_LONG_STANDING] ? rng_int(rng, 6, 30) : years > 5 ? 5 : years);
    f_bool(c, "increasing_postoperative_pain", red[RF_POSTOPERATIVE]);
    f_bool(c, "gut_feeling", rng_chance(rng, 15));
    /* The therapist's weighing of the red flags (B.1.3): recorded for a third
     * of the cases that have a feature, and now and then without one. */
    bool any_red = false;
    for (int i = 0; i < RF_COUNT; i++)
        any_red |= red[i];
    if (any_red ? rng_chance(rng, 330) : rng_chance(rng, 20))
        f_bool(c, "serious_pathology_suspected", any_red && rng_chance(rng, 400));

    /* Course and stop criteria (B.2, C.5), after the intake only. */
    if (!intake) {
        bool insufficient = rng_chance(rng, 250);
        f_bool(c, "insufficient_improvement", insufficient);
        if (insufficient) {
            f_bool(c, "new_insights_from_reevaluation", rng_chance(rng, 500));
            f_bool(c, "adjustment_sufficient", rng_chance(rng, 500));
        } else {
            f_bool(c, "good_progress", rng_chance(rng, 700));
        }
        f_bool(c, "help_question_met", discharge ? rng_chance(rng, 700) : rng_chance(rng, 50));
        f_bool(c, "goals_achieved", discharge ? rng_chance(rng, 600) : rng_chance(rng, 50));
        f_bool(c, "self_management_sufficient", discharge && rng_chance(rng, 500));
        f_bool(c, "not_motivated", rng_chance(rng, 30));
        f_bool(c, "wants_to_stop", rng_chance(rng, 30));
        if (rng_chance(rng, 600))
            f_str(c, "recovery_course", rng_chance(rng, 200) ? "delayed" : "normal");
    }

    /* Prognostic factors (B.2): 35% none, 40% some present, 25% one or two dominant. */
    int kind = rng_int(rng, 0, 99);
    int level[NPF] = { 0 };
    if (kind >= 35) {
        for (int n = rng_int(rng, 1, 4); n > 0; n--)
            level[rng_int(rng, 0, NPF - 1)] = 1;
        if (kind >= 75)
            for (int n = rng_int(rng, 1, 2); n > 0; n--)
                level[rng_int(rng, 0, NPF - 1)] = 2;
    }
    static const char *const TRI[] = { "absent", "present", "dominant" };
    for (int i = 0; i < NPF; i++)
        f_str(c, PF_NAMES[i], TRI[level[i]]);
    if (!intake && rng_chance(rng, 400))        /* the therapist's own choice, after intake */
        f_int(c, "treatment_profile", rng_int(rng, 1, 3));
    if (kind >= 35 && rng_chance(rng, 300)) {
        f_bool(c, "expects_injury_from_moving", rng_chance(rng, 400));
        f_bool(c, "helplessness", rng_chance(rng, 200));
        f_bool(c, "open_to_active_approach", rng_chance(rng, 800));
        f_bool(c, "dependent_on_therapist", rng_chance(rng, 150));
    }
    if (rng_chance(rng, 200))
        f_int(c, "work_absence_weeks", rng_int(rng, 0, 26));

    /* Instruments. */
    if (rng_chance(rng, 700)) {
        int q = rng_int(rng, 5, 80);
        f_int(c, "qbpds", q);
        if (!intake)
            f_int(c, "qbpds_baseline", q + rng_int(rng, 0, 100 - q) / 2);
    }
    if (rng_chance(rng, 450))
        f_tenths(c, "psk", rng_int(rng, 0, 100));
    if (rng_chance(rng, 200))
        f_int(c, "tsk", rng_int(rng, 17, 68));
    if (rng_chance(rng, 500) && key(c, "sbst_items", true)) {
        put(c, "[");
        for (int i = 0; i < 9; i++)
            put(c, "%s%d", i ? ", " : "", rng_chance(rng, kind >= 75 ? 550 : 250));
        put(c, "]");
    }
    put(c, "}\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gen_cases N [SEED] > cases.jsonl\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 0) {
        fprintf(stderr, "gen_cases: N must be a whole number >= 0, not '%s'\n", argv[1]);
        return 2;
    }
    uint64_t seed = GEN_DEFAULT_SEED;
    if (argc == 3) {
        seed = strtoull(argv[2], &end, 10);
        if (*end) {
            fprintf(stderr, "gen_cases: SEED must be a whole number, not '%s'\n", argv[2]);
            return 2;
        }
    }
    Rng rng = { seed };
    static char out[1 << 16];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    Case c;
    for (long i = 1; i <= n; i++) {
        gen_case(&rng, i, &c);
        fwrite(c.buf, 1, c.len, stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_cases: stdout");
        return 3;
    }
    return 0;
}
