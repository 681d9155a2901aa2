"""Small lists of Moroccan names, Latin spellings with their Arabic form, combined by the seed.

Several Latin spellings of one name (Mohamed, Mohammed, Mohamad) are kept on purpose: the
registry's search must find them all, so the benchmark must pay for that too.
"""

MEN = [
    (("Mohamed", "Mohammed", "Mohamad"), "محمد"), (("Ahmed", "Ahmad"), "أحمد"), (("Youssef", "Youssouf"), "يوسف"),
    (("Abdellah", "Abdallah"), "عبد الله"), (("Hicham",), "هشام"), (("Rachid",), "رشيد"), (("Said", "Saïd"), "سعيد"),
    (("Karim",), "كريم"), (("Othmane", "Otmane"), "عثمان"), (("Hassan",), "حسن"), (("Houcine", "Hussein"), "حسين"),
    (("Mustapha", "Mostafa"), "مصطفى"), (("Tarik", "Tariq"), "طارق"), (("Noureddine",), "نور الدين"),
    (("Brahim", "Ibrahim"), "إبراهيم"), (("Khalid", "Khaled"), "خالد"), (("Omar",), "عمر"), (("Ali",), "علي"),
    (("Driss", "Idriss"), "إدريس"), (("Abdelkader",), "عبد القادر"), (("Abderrahim",), "عبد الرحيم"),
    (("Abdelaziz",), "عبد العزيز"), (("Mehdi",), "المهدي"), (("Anas",), "أنس"), (("Hamza",), "حمزة"),
    (("Ayoub",), "أيوب"), (("Ismail", "Smail"), "إسماعيل"), (("Jamal",), "جمال"), (("Adil", "Adel"), "عادل"),
    (("Aziz",), "عزيز"), (("Redouane", "Radouane"), "رضوان"), (("Soufiane", "Sofiane"), "سفيان"),
    (("Zakaria",), "زكرياء"), (("Bilal",), "بلال"), (("Nabil",), "نبيل"), (("Mourad",), "مراد"),
    (("Lahcen",), "لحسن"), (("Larbi",), "العربي"), (("Abdelilah",), "عبد الإله"), (("Yassine",), "ياسين"),
]  # fmt: skip

WOMEN = [
    (("Fatima",), "فاطمة"), (("Khadija",), "خديجة"), (("Zineb", "Zainab"), "زينب"), (("Bouchra",), "بشرى"),
    (("Aicha", "Aïcha"), "عائشة"), (("Naima",), "نعيمة"), (("Latifa",), "لطيفة"), (("Malika",), "مليكة"),
    (("Saida",), "سعيدة"), (("Hanane",), "حنان"), (("Samira",), "سميرة"), (("Nadia",), "نادية"),
    (("Meryem", "Maryam"), "مريم"), (("Hajar",), "هاجر"), (("Salma",), "سلمى"), (("Siham",), "سهام"),
    (("Karima",), "كريمة"), (("Loubna",), "لبنى"), (("Soukaina",), "سكينة"), (("Imane", "Iman"), "إيمان"),
]  # fmt: skip

FAMILIES = [
    ("El Idrissi", "الإدريسي"), ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("Tazi", "التازي"),
    ("Amrani", "العمراني"), ("Ouazzani", "الوزاني"), ("Berrada", "برادة"), ("Chraibi", "الشرايبي"),
    ("Lahlou", "لحلو"), ("Zemmouri", "الزموري"), ("Ait Taleb", "آيت الطالب"), ("Boukili", "البوكيلي"),
    ("Haddaoui", "الحداوي"), ("El Fassi", "الفاسي"), ("Benjelloun", "بنجلون"), ("Tahiri", "الطاهري"),
    ("Saidi", "السعيدي"), ("El Ouafi", "الوافي"), ("Belhaj", "بلحاج"), ("Bouzidi", "البوزيدي"),
    ("Kettani", "الكتاني"), ("Sefrioui", "الصفريوي"), ("Naciri", "الناصري"), ("Zerouali", "الزروالي"),
    ("Jabri", "الجابري"), ("Mansouri", "المنصوري"), ("Hamdaoui", "الحمداوي"), ("Rami", "الرامي"),
    ("El Khatib", "الخطيب"), ("Benali", "بنعلي"), ("Raji", "الراجي"), ("Ziani", "الزياني"),
    ("Filali", "الفيلالي"), ("Karimi", "الكريمي"), ("Mernissi", "المرنيسي"), ("Slaoui", "السلاوي"),
    ("Benkirane", "بنكيران"), ("El Ghazi", "الغازي"), ("Azzouzi", "العزوزي"), ("Cherkaoui", "الشرقاوي"),
    ("Touimi", "التويمي"), ("Bakkali", "البقالي"), ("Moussaoui", "الموساوي"), ("Lamrani", "اللمراني"),
    ("Boussaid", "بوسعيد"), ("Essaadi", "السعدي"), ("Kabbaj", "القباج"), ("Lazrak", "الأزرق"),
    ("Benslimane", "بنسليمان"), ("Rifi", "الريفي"), ("Soussi", "السوسي"), ("Doukkali", "الدكالي"),
    ("Chaoui", "الشاوي"), ("Zaari", "الزعري"), ("Ouahbi", "وهبي"), ("Harrak", "الحراك"),
]  # fmt: skip

# Real Moroccan CIN letter prefixes (the issuing city). "ZZ" and "ZH" are left out: the import and
# history benches use them.
CIN_PREFIXES = [
    "A", "AB", "AD", "B", "BE", "BH", "BJ", "BK", "C", "CB", "D", "DA", "E", "EE", "F", "FA", "G", "GA",
    "H", "HA", "I", "IA", "J", "JA", "JB", "K", "L", "LA", "M", "N", "O", "P", "PA", "Q", "R", "S", "SH",
    "T", "U", "V", "W", "X", "Y",
]  # fmt: skip

PRISONS = [
    "Prison locale de Tiflet 2", "Prison locale de Khémisset", "Centre de réforme et d'éducation de Salé",
    "Prison centrale de Kénitra", "Prison locale Oukacha (Casablanca)", "Prison locale de Tanger 2",
    "Prison locale de Fès (Ras El Ma)", "Prison locale de Marrakech (Loudaya)", "Prison locale d'Oujda",
    "Prison locale d'Agadir (Aït Melloul)",
]  # fmt: skip

TRADES = [
    "Menuiserie", "Couture", "Coiffure", "Soudure", "Élevage ovin", "Boulangerie", "Réparation de téléphones",
    "Plomberie", "Électricité bâtiment", "Mécanique auto", "Apiculture", "Pâtisserie",
]  # fmt: skip

KHEMISSET_COMMUNES = ["Khémisset", "Tiflet", "Rommani", "Ait Ikkou", "Sidi Allal El Bahraoui", "Maaziz"]
