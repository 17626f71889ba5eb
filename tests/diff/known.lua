-- known.lua - THE list of known engine defects the differential tester
-- tolerates (counted and printed in the summary, never hidden).
--
-- Each entry names a quirk the reference model (model.lua) can emulate. A
-- mismatch in one field of one case is "known" when the model with that
-- quirk switched on agrees with the engine on that field; anything else is
-- unexplained and fails the run. When a defect is fixed, delete its entry:
-- the tester then holds the engine to the decided semantics.
return {
}
