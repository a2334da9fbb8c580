-- Search folds the word-final sigma (ς) to σ, as it now does for terms (see lists/page.rs).
UPDATE lists SET search_key = replace(search_key, 'ς', 'σ') WHERE search_key LIKE '%ς%';
