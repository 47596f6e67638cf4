def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_favicon_ico_refuses_writes(client):
    assert client.post("/favicon.ico").status_code == 405
