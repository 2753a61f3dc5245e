-- A deleted group no longer holds its slug: the uniqueness covers live chats only.
DROP INDEX chats_slug_key;
CREATE UNIQUE INDEX chats_slug_key ON chats (lower(slug)) WHERE slug IS NOT NULL AND deleted_at IS NULL;
