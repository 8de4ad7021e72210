-- Resource ids are compared by value: a UUID is stored in its canonical lower-case spelling, as
-- the gateway now looks it up. A row claimed under an upper-case spelling is rewritten, unless
-- the canonical spelling is already claimed or an earlier claim spells the same UUID otherwise
-- (first claim wins; the other spellings, which no lookup names any more, are left as they are).
UPDATE resources r SET id = lower(r.id)
 WHERE r.id ~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
   AND r.id <> lower(r.id)
   AND NOT EXISTS (SELECT 1 FROM resources o
                    WHERE o.kind = r.kind AND lower(o.id) = lower(r.id) AND o.id <> r.id
                      AND (o.id = lower(o.id) OR (o.created_at, o.id) < (r.created_at, r.id)));
