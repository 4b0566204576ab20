-- An API key's shown prefix reveals at most four characters of its secret part (it was the
-- first 15 characters: half of a short operator-chosen key).
UPDATE api_keys
SET prefix = CASE
    WHEN prefix LIKE 'convo\_sk\_%' ESCAPE '\' THEN substr(prefix, 1, 13)
    ELSE substr(prefix, 1, 4)
END;
