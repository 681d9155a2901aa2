from territory.models import Province, Region


def test_the_2015_division_has_12_regions_and_75_provinces(db):
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75


def test_khemisset_is_a_province_of_rabat_sale_kenitra(db):
    khemisset = Province.objects.select_related("region").get(code="04.291")
    assert khemisset.name_ar == "الخميسات"
    assert khemisset.name_fr == "Khémisset"
    assert khemisset.kind == Province.Kind.PROVINCE
    assert khemisset.region.name_fr == "Rabat-Salé-Kénitra"


def test_prefectures_are_told_apart_from_provinces(db):
    assert Province.objects.get(code="04.421").kind == Province.Kind.PREFECTURE
    assert Province.objects.filter(kind=Province.Kind.PREFECTURE).count() == 13


def test_every_region_has_the_provinces_the_reference_lists(db):
    counts = {r.code: r.provinces.count() for r in Region.objects.all()}
    assert counts["04"] == 7
    assert sum(counts.values()) == 75
