"""Record IDs: 18-character checksummed IDs with key prefixes; 15-character IDs accepted."""

from salesforce_emulator.ids import IdGenerator, id18, normalize_id


def test_checksum_matches_published_vectors() -> None:
    """Salesforce's 18-character ID appends a 3-character checksum of the 15-character ID's letter case."""
    assert id18("a0BA0000000L2ZC") == "a0BA0000000L2ZCMA0"
    assert id18("0036000000QKv5T") == "0036000000QKv5TAAT"
    assert id18("00558000001N0Ke") == "00558000001N0KeAAK"


def test_eighteen_character_ids_are_case_insensitive() -> None:
    """An 18-character ID identifies the same record whatever its case; a 15-character one is case-sensitive."""
    assert normalize_id("A0BA0000000L2ZCMA0".lower()) == "a0BA0000000L2ZCMA0"
    assert normalize_id("a0BA0000000L2ZC") == "a0BA0000000L2ZCMA0"
    assert normalize_id("a0BA0000000L2ZCMA1") is None
    assert normalize_id("not-an-id") is None


def test_generated_ids_carry_the_key_prefix_and_a_valid_checksum() -> None:
    """New records get 18-character IDs starting with their object's key prefix (003 Contact, 00Q Lead...)."""
    generator = IdGenerator()
    ids = [generator.new("003") for _ in range(3)] + [generator.new("00Q")]
    assert len(set(ids)) == 4
    for value in ids:
        assert len(value) == 18 and normalize_id(value) == value
    assert ids[0].startswith("003") and ids[3].startswith("00Q")
